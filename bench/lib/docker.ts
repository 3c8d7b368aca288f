/**
 * Containers for benchmarks, on the local engine through berth's own runtime: busybox
 * httpd on a bridge network of a bench instance, optionally published with `-p`.
 * Everything carries io.berth.instance=<instance>, so one call removes it all.
 */
import * as net from 'node:net';
import { LABEL, type ContainerCreateSpec, type Runtime } from '../../src/runtime/types';
import { BENCH_IMAGE } from './image';

export interface HttpdContainer {
  id: string;
  ip: string;
  port: number;
  /** 127.0.0.1 port Docker publishes it on, when asked. */
  published?: number;
}

export async function startHttpd(rt: Runtime, instance: string, network: string, name: string, publish?: number): Promise<HttpdContainer> {
  const spec: ContainerCreateSpec = {
    name: `${instance}-${name}`,
    image: BENCH_IMAGE,
    labels: { [LABEL.managed]: 'true', [LABEL.instance]: instance, [LABEL.container]: name },
    cmd: ['sh', '-c', `mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p 8080 -h /www`],
    env: [],
    network: { type: 'network', network, aliases: [] },
    mounts: [],
    ports: publish ? [{ containerPort: 8080, protocol: 'tcp', hostPort: publish, hostIp: '127.0.0.1' }] : [],
    restartPolicy: 'no',
    privileged: false,
    capAdd: [],
    capDrop: [],
    readOnlyRootfs: false,
    tty: false,
    openStdin: false,
    extraHosts: [],
    stopTimeout: 1,
  };
  const id = await rt.createContainer(spec);
  await rt.startContainer(id);
  const ip = (await rt.inspectContainer(id)).networks[network];
  if (!ip) throw new Error(`container ${spec.name} has no IP on ${network}`);
  return { id, ip, port: 8080, ...(publish ? { published: publish } : {}) };
}

/** Removes the containers, then the networks, then the volumes of `instance`; tries twice. */
export async function removeInstance(rt: Runtime, instance: string): Promise<void> {
  try {
    await removeOnce(rt, instance);
  } catch {
    // A network can stay busy for a moment after its last container went.
    await new Promise((r) => setTimeout(r, 1000));
    await removeOnce(rt, instance);
  }
}

async function removeOnce(rt: Runtime, instance: string): Promise<void> {
  const sel = { [LABEL.instance]: instance };
  await Promise.all((await rt.listContainers(sel)).map((c) => rt.removeContainer(c.id)));
  await Promise.all((await rt.listNetworks(sel)).map((n) => rt.removeNetwork(n.id)));
  await Promise.all((await rt.listVolumes(sel)).map((v) => rt.removeVolume(v.name)));
}

/** A free TCP port on 127.0.0.1 in a high range (35000-39999). */
export function freeLocalPort(): Promise<number> {
  return freePortIn(35000, 39999, '127.0.0.1');
}

/** A free random Kubernetes nodePort (30000-32767), free on every address. */
export function freeNodePort(): Promise<number> {
  return freePortIn(30000, 32767, '0.0.0.0');
}

async function freePortIn(lo: number, hi: number, host: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = lo + Math.floor(Math.random() * (hi - lo + 1));
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error(`no free port found in ${lo}-${hi}`);
}
