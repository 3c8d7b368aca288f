import { strict as assert } from 'node:assert';
import { openConnections, parseConntrack, parseSockets } from '../../../../src/services/kernel/procnet';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:7B0C 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 100 0 0 10 0
   2: 0200000A:9C40 0300000A:0050 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 20 4 30 10 -1`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  1: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4 2 0000000000000000 0`;

describe('services/kernel: parseSockets', () => {
  it('TCP: listening sockets only (not established ones), port from hex', () => {
    assert.deepEqual(parseSockets(TCP, 'TCP'), [
      { protocol: 'TCP', port: 31500 },
      { protocol: 'TCP', port: 8080 },
    ]);
  });
  it('UDP: bound sockets', () => assert.deepEqual(parseSockets(UDP, 'UDP'), [{ protocol: 'UDP', port: 53 }]));
  it('an empty or missing file: none', () => assert.deepEqual(parseSockets('', 'TCP'), []));
});

const CT = [
  // through a NodePort: sent to 192.0.2.2:31750, answered by 172.18.0.2:8080
  'ipv4     2 tcp      6 431999 ESTABLISHED src=192.0.2.2 dst=192.0.2.2 sport=58402 dport=31750 src=172.18.0.2 dst=192.0.2.2 sport=8080 dport=58402 [ASSURED] mark=0 zone=0 use=2',
  'ipv4     2 tcp      6 100 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=37830 dport=31750 src=172.18.0.2 dst=172.18.0.1 sport=8080 dport=37830 [ASSURED] mark=0 zone=0 use=2',
  'ipv4     2 tcp      6 50 FIN_WAIT src=127.0.0.1 dst=127.0.0.1 sport=37831 dport=31750 src=172.18.0.3 dst=172.18.0.1 sport=8080 dport=37831 [ASSURED] mark=0 zone=0 use=2',
  // a probe straight to the pod: not through a Service
  'ipv4     2 tcp      6 431999 ESTABLISHED src=172.18.0.1 dst=172.18.0.2 sport=40000 dport=8080 src=172.18.0.2 dst=172.18.0.1 sport=8080 dport=40000 [ASSURED] mark=0 zone=0 use=2',
  'ipv4     2 udp      17 28 src=172.18.0.4 dst=172.18.0.3 sport=5000 dport=53 [UNREPLIED] src=172.18.0.2 dst=172.18.0.3 sport=5353 dport=5000 mark=0 zone=0 use=2',
].join('\n');

describe('services/kernel: conntrack', () => {
  it("NAT'd flows only, with the endpoint they go to", () => {
    assert.deepEqual(
      parseConntrack(CT).map((f) => `${f.protocol} ${f.state || '-'} ${f.port} -> ${f.endpoint}`),
      [
        'TCP ESTABLISHED 31750 -> 172.18.0.2:8080',
        'TCP TIME_WAIT 31750 -> 172.18.0.2:8080',
        'TCP FIN_WAIT 31750 -> 172.18.0.3:8080',
        'UDP - 53 -> 172.18.0.2:5353',
      ],
    );
  });
  it('open connections: TCP not yet over (TIME_WAIT is), through the given ports only', () => {
    assert.deepEqual(openConnections(parseConntrack(CT), new Set([31750])), { '172.18.0.2:8080': 1, '172.18.0.3:8080': 1 });
    assert.deepEqual(openConnections(parseConntrack(CT), new Set([30000])), {});
  });
});
