/** Certificate files of the Ingress listeners (src/ingress/publish.ts), and joining the Services' table. */
import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncTlsFiles, withIngress } from '../../../../src/services/ingress';
import type { ListenerSpec } from '../../../../src/services/proxy';

describe('ingress: certificate files', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'berth-tls-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const set = (name: string) => [
    { path: join(dir, `${name}.crt`), data: `cert ${name}`, secret: false },
    { path: join(dir, `${name}.key`), data: `key ${name}`, secret: true },
  ];

  it("writes keys 0600; keeps the previous table's files one more round, then removes them", async () => {
    const first = await syncTlsFiles(dir, set('a'), new Set());
    assert.equal((await stat(join(dir, 'a.key'))).mode & 0o777, 0o600);
    const second = await syncTlsFiles(dir, set('b'), first);
    assert.deepEqual((await readdir(dir)).sort(), ['a.crt', 'a.key', 'b.crt', 'b.key']);
    await syncTlsFiles(dir, set('b'), second);
    assert.deepEqual((await readdir(dir)).sort(), ['b.crt', 'b.key']);
  });
});

describe("ingress: joining the Services' listeners", () => {
  const l = (port: number, source: ListenerSpec['source'], service: string): ListenerSpec => ({
    protocol: 'TCP',
    address: '0.0.0.0',
    port,
    service,
    servicePort: port,
    source,
    endpoints: [],
  });

  it('an Ingress port a NodePort already holds is left out, with a warning', () => {
    const t = withIngress(
      { listeners: [l(30080, 'nodePort', 'default/web')], warnings: [] },
      { listeners: [l(30080, 'ingress', 'ingress'), l(30443, 'ingress', 'ingress')], warnings: [], files: [] },
    );
    assert.deepEqual(
      t.listeners.map((x) => `${x.source}:${x.port}`),
      ['nodePort:30080', 'ingress:30443'],
    );
    assert.match(t.warnings[0], /already served for Service default\/web/);
  });
});
