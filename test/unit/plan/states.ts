/** Desired states named after what they show, shared by the plan tests. */
import type { DesiredState } from '../../../src/model/types';
import { configMap, container, deployment, desired, namespace, pod, podSpec, pvc, secret, service, statefulSet, web } from './fixtures';

/** A bit of everything: two namespaces, a PVC, a ConfigMap and a Secret volume, three workloads. */
export function fullStack(): DesiredState {
  const mounts = [
    { name: 'cfg', mountPath: '/etc/app', readOnly: true },
    { name: 'creds', mountPath: '/run/secrets', readOnly: true },
    { name: 'data', mountPath: '/data', readOnly: false },
    { name: 'scratch', mountPath: '/tmp/scratch', readOnly: false },
  ];
  const app = podSpec([container('app', 'app:1', { volumeMounts: mounts }), container('sidecar', 'side:1')], {
    volumes: [
      { name: 'cfg', type: 'configMap', configMapName: 'cfg', defaultMode: 0o644, optional: false },
      { name: 'creds', type: 'secret', secretName: 'creds', defaultMode: 0o644, optional: false },
      { name: 'data', type: 'persistentVolumeClaim', claimName: 'shared', readOnly: false },
      { name: 'scratch', type: 'emptyDir', medium: '' },
    ],
  });
  return desired({
    namespaces: [namespace('default'), namespace('shop')],
    configMaps: [configMap('cfg', { 'app.conf': 'x=1' })],
    secrets: [secret('creds', { password: 'hunter2' })],
    persistentVolumeClaims: [pvc('shared')],
    services: [service('web', { app: 'web' }), service('db', { app: 'db' }, { clusterIP: 'None' })],
    pods: [pod('app', app)],
    deployments: [deployment('web', web(), { replicas: 2 })],
    statefulSets: [
      statefulSet('db', podSpec([container('db', 'postgres:16', { volumeMounts: [{ name: 'pgdata', mountPath: '/var/lib/postgresql', readOnly: false }] })]), {
        replicas: 3,
        claims: ['pgdata'],
      }),
    ],
  });
}

export const FIXTURES: Record<string, () => DesiredState> = {
  'full-stack': fullStack,
  'single-pod': () => desired({ pods: [pod('solo', web())] }),
  'multi-container-pod': () => desired({ pods: [pod('duo', podSpec([container('a', 'a:1'), container('b', 'b:1')]))] }),
  'statefulset-3': () => desired({ statefulSets: [statefulSet('db', web('db:1'), { replicas: 3, claims: ['data'] })] }),
  'deployment-5': () => desired({ deployments: [deployment('web', web(), { replicas: 5 })], services: [service('web', { app: 'web' })] }),
};
