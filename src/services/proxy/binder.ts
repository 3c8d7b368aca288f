/**
 * `nsenter --net=/proc/PID/ns/net node binder.js PROTOCOL ADDRESS PORT`, started by the
 * proxy with an IPC channel: binds one socket inside that network namespace (a ClusterIP
 * Service's anchor), hands it to the proxy over the channel (the descriptor travels by
 * SCM_RIGHTS and keeps its namespace), and exits. One proxy process in the host namespace
 * then serves every anchor: no process per Service.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';

export type BinderReply = { ok: true } | { ok: false; code?: string; message: string };

function fail(err: NodeJS.ErrnoException): void {
  const reply: BinderReply = { ok: false, code: err.code, message: err.message };
  process.send?.(reply, undefined, {}, () => process.exit(1));
}

function main([protocol, address, portText]: string[]): void {
  const port = Number(portText);
  const ok: BinderReply = { ok: true };
  if (protocol === 'UDP') {
    const socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
    socket.once('error', fail);
    socket.bind({ address, port, exclusive: true }, () => process.send?.(ok, socket, {}, () => process.exit(0)));
    return;
  }
  const server = net.createServer();
  server.once('error', fail);
  server.listen({ host: address, port, exclusive: true }, () => process.send?.(ok, server, {}, () => process.exit(0)));
}

if (!process.send) {
  process.stderr.write('binder.js runs only as a child of the proxy, with an IPC channel\n');
  process.exit(2);
}
main(process.argv.slice(2));
