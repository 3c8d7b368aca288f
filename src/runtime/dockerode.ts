/**
 * dockerode, with two of its parts loaded on first use instead of at start: the BuildKit
 * session (gRPC and protobuf, for image builds, which berth never asks for) and docker-modem's
 * SSH transport (only for DOCKER_HOST=ssh://...). Loaded eagerly they are ~12 MB of every
 * berth process's memory (measured: RSS after `require('dockerode')` 63 MB, 51 MB with both
 * deferred). Both modules export one function, so a stand-in that loads the real module
 * when called is enough. If a future layout moves them, nothing is deferred and all works.
 */
import Module from 'node:module';
import * as path from 'node:path';
import type DockerodeType from 'dockerode';

function deferred(id: string, from: string): void {
  let file: string;
  try {
    file = require.resolve(id, { paths: [from] });
  } catch {
    return;
  }
  if (require.cache[file]) return;
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  let real: ((...args: unknown[]) => unknown) | undefined;
  standIn.exports = function (this: unknown, ...args: unknown[]): unknown {
    if (!real) {
      delete require.cache[file];
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the real module, on first use
      real = require(file) as (...args: unknown[]) => unknown;
    }
    return real.apply(this, args);
  };
  require.cache[file] = standIn;
}

const dockerodeDir = path.dirname(require.resolve('dockerode'));
deferred('./session.js', dockerodeDir);
deferred('docker-modem/lib/ssh.js', dockerodeDir);

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the stand-ins above, on purpose
const Dockerode = require('dockerode') as typeof DockerodeType;
export default Dockerode;
