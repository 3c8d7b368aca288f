/** Shared pieces of the runtime integration tests. */
import { freePort as freePortOn } from '../../../src/util/freePort';
import { LABEL } from '../../../src/runtime/types';
import type { ContainerCreateSpec } from '../../../src/runtime/types';
import { TEST_IMAGE } from '../../helpers/testImage';

/** A minimal spec of the test image on the default bridge, labelled with `instance`. */
export function busybox(instance: string, name: string, cmd: string[], over: Partial<ContainerCreateSpec> = {}): ContainerCreateSpec {
  return {
    name: `${instance}-${name}`,
    image: TEST_IMAGE,
    labels: { [LABEL.managed]: 'true', [LABEL.instance]: instance, [LABEL.container]: name },
    cmd,
    env: [],
    network: { type: 'network', network: 'bridge', aliases: [] },
    mounts: [],
    ports: [],
    restartPolicy: 'no',
    privileged: false,
    capAdd: [],
    capDrop: [],
    readOnlyRootfs: false,
    tty: false,
    openStdin: false,
    extraHosts: [],
    ...over,
  };
}

/** A process that stops at once on SIGTERM (sleep as PID 1 would ignore it). */
export const IDLE = ['sh', '-c', "trap 'exit 0' TERM; sleep 600 & wait"];

/** A TCP port nobody listens on right now (on all addresses: tests publish on 0.0.0.0). */
export const freePort = (): Promise<number> => freePortOn('0.0.0.0');
