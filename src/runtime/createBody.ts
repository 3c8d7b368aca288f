/**
 * ContainerCreateSpec -> the body of `POST /containers/create`. Pure; every field of the
 * spec lands somewhere, and undefined optional fields leave the image's defaults alone.
 */
import type { ContainerCreateSpec, Mount, NetworkMode, PortBinding } from './types';

export interface ApiMount {
  Type: 'volume' | 'bind' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly: boolean;
}

export interface ApiPortBinding {
  HostIp: string;
  HostPort: string;
}

export interface ApiCreateBody {
  name: string;
  Image: string;
  Labels: Record<string, string>;
  Entrypoint?: string[];
  Cmd?: string[];
  Env: string[];
  WorkingDir?: string;
  Hostname?: string;
  Domainname?: string;
  User?: string;
  Tty: boolean;
  OpenStdin: boolean;
  StopTimeout?: number;
  ExposedPorts?: Record<string, Record<string, never>>;
  HostConfig: {
    NetworkMode: string;
    Mounts: ApiMount[];
    PortBindings?: Record<string, ApiPortBinding[]>;
    Memory?: number;
    NanoCpus?: number;
    DeviceRequests?: ApiDeviceRequest[];
    RestartPolicy: { Name: string; MaximumRetryCount: number };
    Privileged: boolean;
    CapAdd: string[];
    CapDrop: string[];
    ReadonlyRootfs: boolean;
    PidMode?: string;
    ExtraHosts: string[];
    GroupAdd?: string[];
    SecurityOpt?: string[];
  };
  NetworkingConfig?: { EndpointsConfig: Record<string, { Aliases: string[] }> };
}

export function networkModeOf(n: NetworkMode): string {
  switch (n.type) {
    case 'network':
      return n.network;
    case 'container':
      return `container:${n.container}`;
    case 'host':
      return 'host';
    case 'none':
      return 'none';
  }
}

export function toApiMount(m: Mount): ApiMount {
  if (m.type === 'tmpfs') return { Type: 'tmpfs', Target: m.target, ReadOnly: m.readOnly };
  return { Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly };
}

/** `80/tcp` keys; several host bindings of one container port share a key. */
export function toPortBindings(ports: PortBinding[]): {
  exposed: Record<string, Record<string, never>>;
  bindings: Record<string, ApiPortBinding[]>;
} {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, ApiPortBinding[]> = {};
  for (const p of ports) {
    const key = `${p.containerPort}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort > 0 ? String(p.hostPort) : '' });
  }
  return { exposed, bindings };
}

/** What `docker run --gpus N` sends: any driver that offers the `gpu` capability, N devices. */
interface ApiDeviceRequest {
  Driver: string;
  Count: number;
  DeviceIDs: string[];
  Capabilities: string[][];
  Options: Record<string, string>;
}

export function gpuRequest(count: number): ApiDeviceRequest {
  return { Driver: '', Count: count, DeviceIDs: [], Capabilities: [['gpu']], Options: {} };
}

export function toCreateBody(spec: ContainerCreateSpec): ApiCreateBody {
  const ports = toPortBindings(spec.ports);
  const hasPorts = spec.ports.length > 0;
  const body: ApiCreateBody = {
    name: spec.name,
    Image: spec.image,
    Labels: { ...spec.labels },
    Entrypoint: spec.entrypoint,
    Cmd: spec.cmd,
    Env: [...spec.env],
    WorkingDir: spec.workingDir,
    Hostname: spec.hostname,
    Domainname: spec.domainname,
    User: spec.user,
    Tty: spec.tty,
    OpenStdin: spec.openStdin,
    StopTimeout: spec.stopTimeout,
    ExposedPorts: hasPorts ? ports.exposed : undefined,
    HostConfig: {
      NetworkMode: networkModeOf(spec.network),
      Mounts: spec.mounts.map(toApiMount),
      PortBindings: hasPorts ? ports.bindings : undefined,
      Memory: spec.memoryBytes,
      NanoCpus: spec.nanoCpus,
      RestartPolicy: { Name: spec.restartPolicy, MaximumRetryCount: spec.restartPolicy === 'on-failure' ? (spec.maxRetries ?? 0) : 0 },
      Privileged: spec.privileged,
      CapAdd: [...spec.capAdd],
      CapDrop: [...spec.capDrop],
      ReadonlyRootfs: spec.readOnlyRootfs,
      PidMode: spec.pidMode,
      ExtraHosts: [...spec.extraHosts],
    },
  };
  if (spec.gpus) body.HostConfig.DeviceRequests = [gpuRequest(spec.gpus)];
  if (spec.groupAdd && spec.groupAdd.length > 0) body.HostConfig.GroupAdd = [...spec.groupAdd];
  if (spec.securityOpt && spec.securityOpt.length > 0) body.HostConfig.SecurityOpt = [...spec.securityOpt];
  if (spec.network.type === 'network') {
    body.NetworkingConfig = { EndpointsConfig: { [spec.network.network]: { Aliases: [...spec.network.aliases] } } };
  }
  return body;
}
