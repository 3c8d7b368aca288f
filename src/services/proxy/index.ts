/**
 * Host ports of NodePort and LoadBalancer Services: a userspace TCP/UDP proxy that runs as
 * its own detached process per berth instance, fed an endpoint table through a file.
 */
export {
  clusterListeners,
  portEndpoints,
  selectedPods,
  serviceEndpoints,
  targetPortOf,
  type PodEndpointInput,
  type ServiceEndpointsOptions,
} from '../endpoints';
export { ProxySupervisor, type ProxySupervisorOptions } from './supervisor';
export { endpointRows, proxyStatus, type EndpointRow } from './status';
export { proxyPaths, type ProxyPaths } from './files';
export {
  endpointKey,
  listenerKey,
  type EndpointSpec,
  type EndpointStatus,
  type EndpointTable,
  type ListenerSpec,
  type ListenerStatus,
  type ProxyStatus,
  type Protocol,
} from './types';
