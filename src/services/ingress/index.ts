/** Ingress: routing tables for the host proxy's HTTP/HTTPS listeners (src/services/proxy/http.ts). */
export { BERTH_INGRESS_CLASS, ingressListeners, servedIngresses, type IngressListenerOptions, type IngressTable, type TlsFile } from './routes';
export { syncTlsFiles, tlsDirOf, withIngress } from './publish';
