/**
 * The HTTP routes of an Ingress listener, as published in endpoints.json (plain data). They
 * hold no secret: TLS keys are files next to the table (mode 0600), named by content hash.
 */
import type { EndpointSpec } from './types';

/** A Service port an Ingress sends to, with its ready endpoints. */
export interface BackendSpec {
  /** `namespace/name` of the Ingress that declared it, for status and logs. */
  ingress: string;
  /** `namespace/name` of the Service. */
  service: string;
  /** The Service port, by number or name, as the Ingress gives it. */
  servicePort: number | string;
  endpoints: EndpointSpec[];
}

export interface RouteSpec extends BackendSpec {
  /** '' matches every host; `*.example.com` one leading label. Lowercase. */
  host: string;
  path: string;
  /** ImplementationSpecific arrives here as Prefix. */
  pathType: 'Exact' | 'Prefix';
}

export interface TlsSpec {
  /** Hosts served with this certificate (SNI); [] is the certificate for every other name. */
  hosts: string[];
  certFile: string;
  keyFile: string;
}

export interface HttpRoutes {
  routes: RouteSpec[];
  defaultBackend?: BackendSpec;
  /** Present on the HTTPS listener only. */
  tls?: TlsSpec[];
}
