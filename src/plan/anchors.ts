/**
 * ClusterIP Services on Docker: a Service gets an anchor pod, a lone infra container on the
 * namespace network that holds the Service's names (`<svc>`, `<svc>.<ns>.svc.cluster.local`)
 * as network aliases. berth's proxy runs in the anchor's network namespace and forwards each
 * connection on the Service's `port` to a ready pod's `targetPort`, so the name reaches only
 * ready pods and the port remapping works, as kube-proxy's virtual IP does. Headless Services
 * (clusterIP: None) keep their names on the pods themselves, as in Kubernetes.
 *
 * The anchor's pod name is `SVC-<svc>`: Kubernetes names are lowercase, so it can never be
 * a user's pod. Its kind label is `Service`, its owner the Service.
 */
import { resourceKey, type DesiredState, type ServiceResource } from '../model';
import { sha256 } from '.';
import type { DesiredPod } from '.';

/** Bumped when an anchor's container changes, so existing anchors are replaced. */
const ANCHOR_VERSION = 'service-anchor-1';

export function anchorPodName(service: string): string {
  return `SVC-${service}`;
}

/** Services whose names live on an anchor: ClusterIP (also NodePort/LoadBalancer, which have one), not headless. */
export function isAnchored(svc: ServiceResource): boolean {
  return svc.type !== 'ExternalName' && svc.clusterIP !== 'None';
}

export function anchorPods(desired: DesiredState): DesiredPod[] {
  return desired.services.filter(isAnchored).map((svc) => ({
    key: resourceKey(svc),
    kind: 'Service',
    owner: svc.meta.name,
    namespace: svc.meta.namespace,
    name: anchorPodName(svc.meta.name),
    serviceAnchor: svc.meta.name,
    labels: {},
    annotations: {},
    spec: { containers: [], initContainers: [], volumes: [], restartPolicy: 'Always', terminationGracePeriodSeconds: 1, hostNetwork: false, hostPID: false },
    specHash: sha256(ANCHOR_VERSION),
    hostname: svc.meta.name,
    claimTemplates: {},
    replaceOnSpecChange: true,
  }));
}
