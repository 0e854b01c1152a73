/**
 * npm run kube-apiserver -- --port 6443 --kubeconfig out/kubeconfig [--crds DIR]
 *   [--emulate-fabric-webhooks [--enforce-fabric-webhook-rules]] [--snapshot FILE]
 *   [--user NAME=TOKEN:ROLE ...]
 * Runs in the foreground, prints one line with the URL when ready, stops cleanly on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { projectCrds } from '../../../src/domain/crds.js';
import type { TokenUser } from './auth.js';
import { readCrdDir } from './crd-files.js';
import { parseRole } from './permissions.js';
import { startKubeApiServer } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '6443' },
    kubeconfig: { type: 'string', default: 'out/kubeconfig' },
    crds: { type: 'string', multiple: true },
    'emulate-fabric-webhooks': { type: 'boolean', default: false },
    'enforce-fabric-webhook-rules': { type: 'boolean', default: false },
    snapshot: { type: 'string' },
    'bookmark-interval-ms': { type: 'string' },
    user: { type: 'string', multiple: true },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  throw new Error(`--port ${values.port} is not a TCP port`);

/** `--user ci=s3cret:read-only`: a token of its own with a role (see permissions.ts for the forms). */
function tokenUser(spec: string): TokenUser {
  const match = /^([^=]+)=([^:]+):(.+)$/.exec(spec);
  if (!match) throw new Error(`--user ${spec}: expected NAME=TOKEN:ROLE`);
  return { name: match[1]!, token: match[2]!, role: parseRole(match[3]!) };
}

const extra = (await Promise.all((values.crds ?? []).map(readCrdDir))).flat();
const own = projectCrds() as object[];
const extraNames = new Set(extra.map((c) => c.metadata?.name));
const crds = [
  ...own.filter((c) => !extraNames.has((c as { metadata: { name: string } }).metadata.name)),
  ...extra,
];

const server = await startKubeApiServer({
  port,
  crds,
  emulateFabricWebhooks: values['emulate-fabric-webhooks'],
  enforceFabricWebhookRules: values['enforce-fabric-webhook-rules'],
  users: (values.user ?? []).map(tokenUser),
  ...(values.snapshot ? { snapshotFile: values.snapshot } : {}),
  ...(values['bookmark-interval-ms'] ? { bookmarkIntervalMs: Number(values['bookmark-interval-ms']) } : {}),
});
await server.writeKubeconfig(values.kubeconfig);
process.stdout.write(`kube-apiserver ready at ${server.url} (kubeconfig ${values.kubeconfig})\n`);

const shutdown = (signal: string) => {
  server.close().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`kube-apiserver: ${signal} shutdown failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
