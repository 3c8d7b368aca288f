/**
 * A UDP listener: each client address gets a session, a socket connected to one endpoint
 * (round robin over ready endpoints when the session starts); replies go back from the
 * listener's socket. A session ends after `udpIdleMs` without a datagram either way, or when
 * its endpoint refuses (ICMP port unreachable), so the client's next datagram picks another.
 * Removing an endpoint leaves its sessions until they idle out (UDP's drain).
 */
import * as dgram from 'node:dgram';
import { RoundRobin } from './balance';
import { RetryingListener } from './listener';
import { bindInNetns } from './netns';
import { endpointKey } from './types';

interface Session {
  upstream: dgram.Socket;
  key: string;
  timer: NodeJS.Timeout;
  ready: boolean;
  queue: Buffer[];
}

export class UdpListener extends RetryingListener {
  private socket?: dgram.Socket;
  private readonly rr = new RoundRobin();
  private readonly sessions = new Map<string, Session>();

  protected bind(failed: (err: Error) => void, bound: () => void): void {
    if (this.spec.netns) {
      // Bound in the anchor's namespace and handed over (see netns.ts).
      bindInNetns(this.spec.netns, 'UDP', this.spec.address, this.spec.port).then((socket) => {
        if (this.closed) return void socket.close();
        this.serve(socket);
        bound();
      }, failed);
      return;
    }
    const socket = dgram.createSocket({ type: this.spec.address.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
    socket.once('error', failed);
    this.serve(socket);
    socket.bind({ address: this.spec.address, port: this.spec.port, exclusive: true }, bound);
  }

  private serve(socket: dgram.Socket): void {
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.receive(socket, msg, rinfo));
  }

  protected release(): void {
    try {
      this.socket?.close();
    } catch {
      // already closed (after a failed bind)
    }
  }

  override close(): void {
    for (const client of [...this.sessions.keys()]) this.end(client);
    super.close();
  }

  private receive(socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const client = `${rinfo.address}:${rinfo.port}`;
    const s = this.sessions.get(client) ?? this.open(socket, client, rinfo);
    if (!s) return;
    this.touch(client, s);
    if (s.ready) s.upstream.send(msg);
    else s.queue.push(msg);
  }

  private open(socket: dgram.Socket, client: string, rinfo: dgram.RemoteInfo): Session | undefined {
    const ep = this.rr.order(this.spec.endpoints)[0];
    if (!ep) {
      this.st.rejected++;
      this.deps.onChange();
      return undefined;
    }
    const upstream = dgram.createSocket(ep.ip.includes(':') ? 'udp6' : 'udp4');
    const s: Session = { upstream, key: endpointKey(ep), timer: setTimeout(() => undefined, 0), ready: false, queue: [] };
    this.sessions.set(client, s);
    this.st.forwarded++;
    this.deps.counters.inc(s.key);
    upstream.on('message', (reply) => {
      this.touch(client, s);
      socket.send(reply, rinfo.port, rinfo.address);
    });
    upstream.on('error', () => this.end(client)); // refused or unreachable: the next datagram picks again
    upstream.connect(ep.port, ep.ip, () => {
      s.ready = true;
      for (const m of s.queue.splice(0)) upstream.send(m);
    });
    return s;
  }

  private touch(client: string, s: Session): void {
    clearTimeout(s.timer);
    s.timer = setTimeout(() => this.end(client), this.deps.udpIdleMs);
  }

  private end(client: string): void {
    const s = this.sessions.get(client);
    if (!s) return;
    this.sessions.delete(client);
    clearTimeout(s.timer);
    try {
      s.upstream.close();
    } catch {
      // already closed
    }
    this.deps.counters.dec(s.key);
  }
}
