/** Ingress (networking.k8s.io/v1) and IngressClass as berth reads them: Kubernetes' field names, defaults applied. */
import type { IntOrString, Meta } from './types';

/** A Service and one of its ports (a number, or the name of a Service port). */
export interface IngressBackend {
  service: string;
  port: IntOrString;
}

/** ImplementationSpecific is treated as Prefix (berth's choice, as ingress-nginx does for plain paths). */
export interface IngressPath {
  path: string;
  pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  backend: IngressBackend;
}

export interface IngressRule {
  /** '' matches every host; `*.example.com` a single leading label. */
  host: string;
  paths: IngressPath[];
}

export interface IngressResource {
  kind: 'Ingress';
  meta: Meta;
  /** undefined: berth's (no default IngressClass is needed on one host). */
  ingressClassName?: string;
  defaultBackend?: IngressBackend;
  rules: IngressRule[];
  tls: { hosts: string[]; secretName: string }[];
}

export interface IngressClassResource {
  kind: 'IngressClass';
  meta: Meta;
  controller: string;
}
