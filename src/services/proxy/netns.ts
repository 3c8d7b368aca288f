/**
 * Sockets bound inside another network namespace (a ClusterIP Service's anchor), for the
 * proxy that runs in the host's: binder.js is started there through nsenter, binds, and
 * sends the socket back over the IPC channel. The proxy then accepts on it as on any other;
 * its connections to endpoints leave from the host, which reaches every pod network.
 */
import { spawn } from 'node:child_process';
import type * as dgram from 'node:dgram';
import type * as net from 'node:net';
import * as path from 'node:path';
import type { BinderReply } from './binder';
import type { Protocol } from './types';

const BINDER = path.join(__dirname, 'binder.js');
const BIND_TIMEOUT_MS = 10_000;

/** A bind error as the listener reports it (its `code` is what bindErrorText reads). */
function bindError(code: string | undefined, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), code ? { code } : {});
}

export function bindInNetns(netns: string, protocol: 'TCP', address: string, port: number): Promise<net.Server>;
export function bindInNetns(netns: string, protocol: 'UDP', address: string, port: number): Promise<dgram.Socket>;
export function bindInNetns(netns: string, protocol: Protocol, address: string, port: number): Promise<net.Server | dgram.Socket> {
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', [`--net=${netns}`, process.execPath, BINDER, protocol, address, String(port)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(() => reject(bindError('ETIMEDOUT', `binding in ${netns} took over ${BIND_TIMEOUT_MS} ms`)));
    }, BIND_TIMEOUT_MS);
    child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    child.on('message', (reply: BinderReply, handle: net.Server | dgram.Socket | undefined) =>
      settle(() =>
        reply.ok && handle ? resolve(handle) : reject(bindError(reply.ok ? undefined : reply.code, reply.ok ? 'no socket received' : reply.message)),
      ),
    );
    child.on('error', (err) => settle(() => reject(bindError('ENOENT', `cannot start nsenter: ${err.message}`))));
    child.on('exit', (code) => settle(() => reject(bindError(undefined, `cannot enter ${netns} (nsenter exited ${code}): ${stderr.trim() || 'no output'}`))));
  });
}
