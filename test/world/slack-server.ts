/**
 * The Slack receiver as its own process, for `testenv start` (whose node process exits while the world keeps
 * running): `node slack-server.ts --url-file <path> [--port N]`. Once listening it writes {"url","pid"} to the URL
 * file (atomically); it stops on SIGTERM/SIGINT. Read its requests through the control API (see slack.ts).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSlackReceiver } from './slack.ts';

const { values } = parseArgs({ options: { 'url-file': { type: 'string' }, port: { type: 'string', default: '0' } } });
const urlFile = values['url-file'];
if (urlFile === undefined) {
  process.stderr.write('usage: slack-server.ts --url-file <path> [--port N]\n');
  process.exit(2);
}

const receiver = await startSlackReceiver({ port: Number(values.port) });
writeFileSync(`${urlFile}.tmp`, JSON.stringify({ url: receiver.url, pid: process.pid }));
renameSync(`${urlFile}.tmp`, urlFile);
process.stdout.write(`slack receiver listening on ${receiver.url}\n`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void receiver.stop().then(() => process.exit(0));
  });
}
