/** The services folder's public surface: other folders import from here, not from its files. */
export { anchorProxyNames, serviceAnchorsAvailable } from './anchors';
export { PROXY_MODES, resolveProxyModes, type ForwardingModes, type ProxyModeOption } from './kernel/mode';
export { kernelStatusOf, removeKernelRules } from './kernel/targets';
export type { BackendSpec, HttpRoutes, RouteSpec, TlsSpec } from './proxy/httpTypes';
export {
  ProxySupervisor,
  endpointKey,
  endpointRows,
  listenerKey,
  portEndpoints,
  selectedPods,
  type EndpointRow,
  type EndpointSpec,
  type EndpointTable,
  type ListenerSpec,
  type ListenerStatus,
  type PodEndpointInput,
  type Protocol,
  type ProxyStatus,
} from './proxy';
export { EndpointPublisher, podInputs } from './publisher';
export { tlsDirOf } from './ingress';
