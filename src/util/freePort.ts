import { createServer } from 'node:net';

/** A TCP port free on `host` right now (the kernel's pick); for tests, benchmarks, the quick start's checks. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
