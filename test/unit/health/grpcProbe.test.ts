/**
 * The gRPC probe against a real gRPC health server on loopback (@grpc/grpc-js), speaking
 * grpc.health.v1.Health/Check: SERVING passes, everything else fails with a reason.
 */
import { strict as assert } from 'node:assert';
import * as grpc from '@grpc/grpc-js';
import {
  decodeHealthRequest,
  decodeHealthResponse,
  encodeHealthRequest,
  encodeHealthResponse,
  grpcProbe,
  HEALTH_CHECK_PATH,
  SERVING_STATUS,
} from '../../../src/health/grpcProbe';
import { runProbe } from '../../../src/health/probe';
import type { Probe } from '../../../src/model/types';
import type { Runtime } from '../../../src/runtime/types';

const HEALTH_SERVICE: grpc.ServiceDefinition = {
  Check: {
    path: HEALTH_CHECK_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: (r: { service: string }) => encodeHealthRequest(r.service),
    // An object: grpc-js's server takes a falsy request ('') for a missing one.
    requestDeserialize: (b: Buffer) => ({ service: decodeHealthRequest(b) }),
    responseSerialize: encodeHealthResponse,
    responseDeserialize: decodeHealthResponse,
  },
};

/** A health server: service name -> status; an unknown name answers NOT_FOUND, as grpc-go's does; 'hang' never answers. */
async function healthServer(statuses: Record<string, (typeof SERVING_STATUS)[number]>): Promise<{ port: number; stop: () => Promise<void> }> {
  const server = new grpc.Server();
  server.addService(HEALTH_SERVICE, {
    Check: (call: grpc.ServerUnaryCall<{ service: string }, number>, callback: grpc.sendUnaryData<number>) => {
      if (call.request.service === 'hang') return;
      const status = statuses[call.request.service];
      if (status === undefined) return callback({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
      callback(null, SERVING_STATUS.indexOf(status));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
}

describe('health/grpcProbe (a real gRPC health server on loopback)', () => {
  let server: { port: number; stop: () => Promise<void> };
  before(async () => (server = await healthServer({ '': 'SERVING', web: 'SERVING', db: 'NOT_SERVING', hang: 'SERVING' })));
  after(async () => server?.stop());

  it('SERVING (the server as a whole) passes', async () => {
    assert.deepEqual(await grpcProbe('127.0.0.1', server.port, '', 1000), { ok: true });
  });

  it('SERVING for a named service passes', async () => {
    assert.deepEqual(await grpcProbe('127.0.0.1', server.port, 'web', 1000), { ok: true });
  });

  it('NOT_SERVING fails, naming the status', async () => {
    assert.deepEqual(await grpcProbe('127.0.0.1', server.port, 'db', 1000), {
      ok: false,
      reason: `grpc 127.0.0.1:${server.port} service "db": service unhealthy (responded with NOT_SERVING)`,
    });
  });

  it('an unknown service fails with NOT_FOUND', async () => {
    const r = await grpcProbe('127.0.0.1', server.port, 'nope', 1000);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /service "nope": rpc error: code = NOT_FOUND desc = unknown service/);
  });

  it('a server that does not answer in time fails with DEADLINE_EXCEEDED', async () => {
    const r = await grpcProbe('127.0.0.1', server.port, 'hang', 200);
    assert.match(r.ok ? '' : r.reason, /code = DEADLINE_EXCEEDED/);
  });

  it('no server fails with UNAVAILABLE', async () => {
    const gone = await healthServer({});
    const port = gone.port;
    await gone.stop();
    const r = await grpcProbe('127.0.0.1', port, '', 1000);
    assert.match(r.ok ? '' : r.reason, new RegExp(`^grpc 127\\.0\\.0\\.1:${port}: rpc error: code = UNAVAILABLE`));
  });

  it('runs as a probe handler with the pod IP as host', async () => {
    const probe: Probe = {
      handler: { type: 'grpc', port: server.port, service: 'web' },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    };
    assert.deepEqual(await runProbe({} as Runtime, probe, { containerId: 'x', ip: '127.0.0.1', ports: [] }), { ok: true });
  });

  it('encodes and decodes the two messages of the protocol', () => {
    assert.equal(decodeHealthRequest(encodeHealthRequest('grpc.health.v1.Health')), 'grpc.health.v1.Health');
    assert.deepEqual(encodeHealthRequest(''), Buffer.alloc(0));
    assert.deepEqual(
      [0, 1, 2, 3].map((s) => decodeHealthResponse(encodeHealthResponse(s))),
      [0, 1, 2, 3],
    );
    assert.deepEqual(encodeHealthResponse(1), Buffer.from([0x08, 0x01]));
  });
});
