import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const dockerModule = path.resolve(__dirname, '../../../src/runtime/docker.js');

/** Runs `script` in a fresh node with the runtime loaded; returns its stdout. */
function fresh(script: string): string {
  return execFileSync(process.execPath, ['-e', `require(${JSON.stringify(dockerModule)}); ${script}`], { encoding: 'utf8', timeout: 20_000 }).trim();
}

describe('dockerode, loaded lean', () => {
  it('does not load the BuildKit session (gRPC, protobuf) or the SSH transport at start', () => {
    const loaded = fresh(`console.log(Object.keys(require.cache).filter((k) => /node_modules\\/(@grpc|protobufjs|ssh2)\\//.test(k)).length)`);
    assert.equal(loaded, '0');
  });

  it('still reaches an ssh:// engine through the deferred SSH transport', () => {
    const out = fresh(`
      const { default: D } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/runtime/dockerode.js'))});
      new D({ protocol: 'ssh', host: '127.0.0.1', port: 1, username: 'x' }).ping().then(() => console.log('pong'), (e) => console.log(e.code || e.message));
    `);
    assert.match(out, /ECONNREFUSED/);
  });
});
