/**
 * Keeps `osls package` offline with the renderer layer declared in serverless.yml.
 *
 * osls (as Serverless Framework v3) compiles each layer and then, in `package:compileLayers`, calls
 * AwsCompileLayers.compareWithLastLayer (node_modules/osls/lib/plugins/aws/package/compile/layers.js), which asks
 * CloudFormation (DescribeStacks) whether the deployed stack already has this layer's hash, so that `deploy` can
 * skip re-uploading an unchanged layer. With no network (or fake credentials, as `npm run package` uses) that call
 * fails and packaging stops ("getaddrinfo ENOTFOUND cloudformation…"): upstream serverless/serverless#8187,
 * "`serverless package` now requires AWS credentials if a layer is present".
 *
 * For the `package` command only, this plugin skips the comparison, which leaves the template exactly as for a stack
 * that does not exist yet (compareWithLastLayer returns early then too). `deploy` keeps the upstream behaviour.
 */
export default class OfflinePackagePlugin {
  /** @param {{ pluginManager: { cliCommands: string[], plugins: object[] } }} serverless */
  constructor(serverless) {
    const { cliCommands, plugins } = serverless.pluginManager;
    if (cliCommands.join(' ') !== 'package') return;
    const layers = plugins.find((plugin) => plugin.constructor.name === 'AwsCompileLayers');
    if (!layers || typeof layers.compareWithLastLayer !== 'function') {
      throw new Error(
        'offline-package-plugin: osls has no AwsCompileLayers.compareWithLastLayer any more; revisit infra/offline-package-plugin.mjs',
      );
    }
    layers.compareWithLastLayer = async () => undefined;
  }
}
