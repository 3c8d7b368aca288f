/** Small builders for the proxy's unit tests: Services and pods as the model and observer give them. */
import { emptyDesiredState, type DesiredState, type ServicePort, type ServiceResource } from '../../../../src/model/types';
import type { PodEndpointInput } from '../../../../src/services/proxy';

export function svc(name: string, over: Partial<Omit<ServiceResource, 'meta'>> & { namespace?: string } = {}): ServiceResource {
  const { namespace = 'default', ...rest } = over;
  return {
    kind: 'Service',
    meta: { name, namespace, labels: {}, annotations: {}, source: { file: 'svc.yaml', line: 1, col: 1 } },
    type: 'NodePort',
    selector: { app: name },
    ports: [port()],
    ...rest,
  };
}

export function port(over: Partial<ServicePort> = {}): ServicePort {
  return { protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080, ...over };
}

export function pod(name: string, ip: string, over: Partial<PodEndpointInput> = {}): PodEndpointInput {
  return { namespace: 'default', name, labels: { app: 'web' }, ip, ready: true, terminating: false, ...over };
}

export function desired(...services: ServiceResource[]): DesiredState {
  return { ...emptyDesiredState(), services };
}
