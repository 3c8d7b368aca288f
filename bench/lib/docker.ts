/**
 * Containers for benchmarks, on the local engine through berth's own runtime: busybox
 * httpd on a bridge network of a bench instance, optionally published with `-p`.
 * Everything carries io.berth.instance=<instance>, so one call removes it all.
 */
import * as net from 'node:net';
import { LABEL, type ContainerCreateSpec, type Runtime } from '../../src/runtime/types';
import { TEST_IMAGE } from '../../test/helpers/testImage';

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
    image: TEST_IMAGE,
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

/** Removes the containers, then the networks, of `instance`. */
export async function removeInstance(rt: Runtime, instance: string): Promise<void> {
  const sel = { [LABEL.instance]: instance };
  await Promise.all((await rt.listContainers(sel)).map((c) => rt.removeContainer(c.id)));
  await Promise.all((await rt.listNetworks(sel)).map((n) => rt.removeNetwork(n.id)));
}

/** A free TCP port on 127.0.0.1 in a high range (35000-39999). */
export async function freeLocalPort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 35000 + Math.floor(Math.random() * 5000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen({ host: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error('no free port found in 35000-39999');
}
