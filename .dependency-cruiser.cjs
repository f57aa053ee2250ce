// Dependency rules for lib/, functions/ and bin/ (issue 14, "types flow one way"); docs/ARCHITECTURE.md explains them.
// `npm run lint:deps` checks them in CI. Type-only imports count: tsPreCompilationDeps sees them before tsc drops them.
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

/**
 * Lowest first: a folder may import folders of lower layers only, never one of its own layer or above. This is the
 * data flow of docs/ARCHITECTURE.md (source → render/cluster → diff → checks → who → report → store/notify), with the
 * config and the adapters on top because they compose everything below them.
 */
const LAYERS = [
  ['lib/io', 'lib/kube'],
  ['lib/source'],
  ['lib/render', 'lib/cluster'],
  ['lib/diff'],
  ['lib/checks'],
  ['lib/auditlog'],
  ['lib/report'],
  ['lib/store', 'lib/notify'],
  ['lib/config'],
  ['lib/aws'],
  ['lib/pipeline'],
  ['lib/cli', 'functions', 'bin'],
];

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const folders = (layer) => `^(${layer.map(escapeRegExp).join('|')})/`;

const layerRules = LAYERS.flatMap((layer, index) => {
  const above = LAYERS.slice(index + 1).flat();
  const rules = layer
    .filter(() => above.length > 0)
    .map((folder) => ({
      name: `layer:${folder}`,
      comment: `${folder} is below ${above.join(', ')}: it may not import them (lower layers never import higher ones)`,
      severity: 'error',
      from: { path: `^${escape(folder)}/` },
      to: { path: folders(above) },
    }));
  // Folders of one layer are independent of each other.
  for (const folder of layer) {
    const siblings = layer.filter((other) => other !== folder);
    if (siblings.length === 0) continue;
    rules.push({
      name: `layer-siblings:${folder}`,
      comment: `${folder} shares its layer with ${siblings.join(', ')}: folders of one layer do not import each other`,
      severity: 'error',
      from: { path: `^${escape(folder)}/` },
      to: { path: folders(siblings) },
    });
  }
  return rules;
});

// Folders whose index.ts is their public face: outsiders import the index, never a file behind it.
const FOLDERS_WITH_INDEX = readdirSync(join(__dirname, 'lib'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(__dirname, 'lib', entry.name, 'index.ts')))
  .map((entry) => entry.name);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycle between files, type-only imports included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unlayered-folder',
      comment: 'Every folder of lib/ has a place in LAYERS (.dependency-cruiser.cjs); add a new folder there first',
      severity: 'error',
      from: { path: '^lib/', pathNot: folders(LAYERS.flat()) },
      to: {},
    },
    ...layerRules,
    {
      name: 'no-deep-import',
      comment: `Outside ${FOLDERS_WITH_INDEX.map((name) => `lib/${name}`).join(', ')}, import their index.ts, not the files behind it`,
      severity: 'error',
      from: { path: '^(lib/[^/]+|functions|bin)/' },
      to: {
        path: `^lib/(${FOLDERS_WITH_INDEX.map(escape).join('|')})/`,
        pathNot: ['^$1/', `^lib/(${FOLDERS_WITH_INDEX.map(escape).join('|')})/index\\.ts$`],
      },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
  },
};
