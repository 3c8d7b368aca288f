/** Container specs of the test image for tests that create containers without the planner. */
import { LABEL, type ContainerCreateSpec } from '../../src/runtime/types';
import { TEST_IMAGE } from './testImage';

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
