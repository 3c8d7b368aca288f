/**
 * The mesh proxy, the entry point of the mesh image (`node /berth/mesh.js`): runs berth's
 * userspace proxy (src/services/proxy: round robin, the next endpoint when one refuses or does
 * not answer, drained connections) on every node of the swarm, with listeners from BERTH_MESH
 * and endpoints from the overlay's DNS, polled (endpoints.ts). Bundled into one file by
 * scripts/build-mesh.js, so the image needs nothing but the node binary.
 */
import pino from 'pino';
// The proxy's own module, not the services index: the bundle must not carry the rest of berth
// (the model, the engine client), only the listeners.
import { Proxy } from '../../services/proxy/proxy';
import { MESH_ENV, parseMeshConfig } from './config';
import { backendNames, dnsLookup, meshListeners, resolveAll, type Resolved } from './endpoints';

/** How often the names are resolved again: well under the swarm's 2 s between unbinding a task and stopping it. */
const POLL_MS = Number(process.env.BERTH_MESH_POLL_MS ?? 250);
/** On SIGTERM, open connections get this long to finish. */
const DRAIN_MS = 5000;

async function main(): Promise<void> {
  const log = pino({ base: { component: 'berth-mesh' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: 1, sync: true }));
  const parsed = parseMeshConfig(process.env[MESH_ENV]);
  if (!parsed.ok) {
    log.error({ err: parsed.error }, 'bad configuration');
    process.exit(2);
  }
  const config = parsed.config;
  const proxy = new Proxy({ log });
  const names = backendNames(config);
  const lookup = dnsLookup(Math.max(200, POLL_MS * 2));
  let resolved: Resolved = new Map();
  let applied = '';
  let stopping = false;
  const round = async (): Promise<void> => {
    resolved = await resolveAll(names, resolved, lookup);
    const specs = meshListeners(config, resolved);
    const text = JSON.stringify(specs);
    if (text === applied) return;
    applied = text;
    await proxy.apply(specs);
    log.info({ endpoints: Object.fromEntries(specs.map((s) => [s.port, s.endpoints.map((e) => `${e.ip}:${e.port}`)])) }, 'endpoints');
  };
  const loop = async (): Promise<void> => {
    while (!stopping) {
      await round().catch((err: Error) => log.warn({ err: err.message }, 'resolve round failed'));
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  process.on('SIGTERM', () => {
    stopping = true;
    proxy.close();
    log.info('stopping: listeners closed, open connections drain');
    const until = Date.now() + DRAIN_MS;
    const check = setInterval(() => {
      if (Object.keys(proxy.counters.snapshot()).length === 0 || Date.now() > until) process.exit(0);
    }, 50);
    check.unref();
    setTimeout(() => process.exit(0), DRAIN_MS + 100);
  });
  process.on('uncaughtException', (err) => log.error({ err: err.message, stack: err.stack }, 'uncaught exception; the mesh keeps running'));
  log.info({ listeners: config.listeners.map((l) => `${l.protocol} ${l.port} ${l.service}`), names }, 'mesh proxy started');
  await loop();
}

void main();
