/**
 * Kubernetes' gRPC probe: the standard gRPC health-checking protocol
 * (grpc.health.v1.Health/Check), plaintext as kubelet does, through @grpc/grpc-js. Only
 * SERVING passes; NOT_SERVING, an unknown service (NOT_FOUND), no server or a timeout fail.
 *
 * The two messages of the protocol have one field each, so they are encoded here rather than
 * loaded from a .proto file: HealthCheckRequest { string service = 1; } and
 * HealthCheckResponse { ServingStatus status = 1; }.
 */
import type * as GrpcJs from '@grpc/grpc-js';

/** @grpc/grpc-js on the first gRPC probe: loaded at start it is ~2.5 MB of heap of every berth process, and few pods have gRPC probes. */
let grpcModule: typeof GrpcJs | undefined;
function grpcJs(): typeof GrpcJs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  return (grpcModule ??= require('@grpc/grpc-js') as typeof GrpcJs);
}

export type GrpcProbeResult = { ok: true } | { ok: false; reason: string };

export const HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';

/** grpc.health.v1.HealthCheckResponse.ServingStatus */
export const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;

export function encodeHealthRequest(service: string): Buffer {
  const bytes = Buffer.from(service, 'utf8');
  return bytes.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a]), varint(bytes.length), bytes]);
}

/** The status of a HealthCheckResponse (0 = UNKNOWN when absent, as proto3 defaults). */
export function decodeHealthResponse(buf: Buffer): number {
  let i = 0;
  let status = 0;
  while (i < buf.length) {
    const [key, afterKey] = readVarint(buf, i);
    const wire = key & 7;
    if (wire === 0) {
      const [value, next] = readVarint(buf, afterKey);
      if (key >> 3 === 1) status = value;
      i = next;
    } else if (wire === 2) {
      const [len, next] = readVarint(buf, afterKey);
      i = next + len;
    } else {
      throw new Error(`unexpected protobuf wire type ${wire} in a HealthCheckResponse`);
    }
  }
  return status;
}

/** The same shape for Health/Check encoders used by the probe and a test server. */
export function encodeHealthResponse(status: number): Buffer {
  return status === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x08]), varint(status)]);
}

export function decodeHealthRequest(buf: Buffer): string {
  let i = 0;
  let service = '';
  while (i < buf.length) {
    const [key, afterKey] = readVarint(buf, i);
    if ((key & 7) !== 2) throw new Error('unexpected field in a HealthCheckRequest');
    const [len, next] = readVarint(buf, afterKey);
    if (key >> 3 === 1) service = buf.subarray(next, next + len).toString('utf8');
    i = next + len;
  }
  return service;
}

export function grpcProbe(host: string, port: number, service: string, timeoutMs: number): Promise<GrpcProbeResult> {
  if (!host) return Promise.resolve({ ok: false, reason: 'pod has no IP address' });
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const what = `grpc ${address}${service ? ` service "${service}"` : ''}`;
  const grpc = grpcJs();
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise<GrpcProbeResult>((resolve) => {
    client.makeUnaryRequest(
      HEALTH_CHECK_PATH,
      encodeHealthRequest,
      decodeHealthResponse,
      service,
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err, status) => {
        if (err) return resolve({ ok: false, reason: `${what}: ${describeGrpcError(err)}` });
        const name = SERVING_STATUS[status ?? 0] ?? String(status);
        resolve(name === 'SERVING' ? { ok: true } : { ok: false, reason: `${what}: service unhealthy (responded with ${name})` });
      },
    );
  }).finally(() => client.close());
}

function describeGrpcError(err: GrpcJs.ServiceError): string {
  const code = grpcJs().status[err.code] ?? String(err.code);
  return `rpc error: code = ${code} desc = ${err.details || err.message}`;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

function readVarint(buf: Buffer, start: number): [number, number] {
  let value = 0;
  let shift = 0;
  let i = start;
  for (;;) {
    if (i >= buf.length) throw new Error('truncated protobuf varint');
    const b = buf[i++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, i];
    shift += 7;
  }
}
