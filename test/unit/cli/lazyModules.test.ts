import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const main = path.join(root, 'src/cli/main.js');

/** Runs `script` in a fresh node after `setup`; returns its stdout. */
function fresh(setup: string, script: string): string {
  return execFileSync(process.execPath, ['-e', `${setup}; ${script}`], { encoding: 'utf8', timeout: 20_000 }).trim();
}

const loaded = `const re = /node_modules\\/(@grpc\\/grpc-js|pino-pretty|age-encryption)\\//; console.log([...new Set(Object.keys(require.cache).map((k) => re.exec(k)?.[1]).filter(Boolean))].sort().join(','))`;

describe('modules loaded only when used', () => {
  it('berth with every command registered, a JSON logger and no age identity loads neither gRPC, pino-pretty nor age', () => {
    const out = fresh(
      `require(${JSON.stringify(main)}).buildProgram();
       require(${JSON.stringify(path.join(root, 'src/util/log.js'))}).createLogger({ instance: 'x', format: 'json' });
       require(${JSON.stringify(path.join(root, 'src/secrets/sops/age.js'))}).keyringOf([]).then(() => {`,
      `${loaded} })`,
    );
    assert.equal(out, '');
  });

  it('loads pino-pretty for the pretty format, gRPC for a gRPC probe', () => {
    const out = fresh(
      `require(${JSON.stringify(path.join(root, 'src/util/log.js'))}).createLogger({ instance: 'x', format: 'pretty', destination: process.stderr });
       require(${JSON.stringify(path.join(root, 'src/health/grpcProbe.js'))}).grpcProbe('127.0.0.1', 1, '', 2000).then(() => {`,
      `${loaded} })`,
    );
    assert.equal(out, '@grpc/grpc-js,pino-pretty');
  });
});
