import { strict as assert } from 'node:assert';
import { chainName, kernelTableName, renderRemoval, renderRuleset, type KernelListener } from '../../../../src/services/kernel/ruleset';

const tcp = (port: number, endpoints: string[], address = '0.0.0.0'): KernelListener => ({
  protocol: 'TCP',
  address,
  port,
  endpoints: endpoints.map((e) => ({ ip: e.split(':')[0], port: Number(e.split(':')[1]) })),
  comment: `default/web port 80 (nodePort)`,
});

/** The lines of a rendered script that contain `needle`, trimmed. */
const linesWith = (script: string, needle: string) =>
  script
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.includes(needle));

describe('services/kernel: renderRuleset', () => {
  it('replaces the table whole in one script: create (so delete cannot fail), delete, declare', () => {
    const s = renderRuleset('berth_x', 'host', [tcp(30080, ['10.1.0.2:8080'])]);
    assert.deepEqual(s.split('\n').slice(0, 3), ['table ip berth_x {}', 'delete table ip berth_x', 'table ip berth_x {']);
  });

  it('one chain per listener, DNAT round robin over its endpoints in order', () => {
    const s = renderRuleset('berth_x', 'host', [tcp(30080, ['10.1.0.2:8080', '10.1.0.3:8080'])]);
    assert.deepEqual(linesWith(s, 'dnat'), ['meta l4proto tcp counter dnat ip to numgen inc mod 2 map { 0 : 10.1.0.2 . 8080, 1 : 10.1.0.3 . 8080 }']);
    assert.deepEqual(linesWith(s, 'elements'), ['elements = { tcp . 30080 : goto svc_tcp_30080 }']);
  });

  it('a listener on one address goes to the address map; UDP is its own protocol', () => {
    const s = renderRuleset('berth_x', 'host', [tcp(80, ['10.1.0.2:8080'], '192.0.2.7'), { ...tcp(53, ['10.1.0.2:5353']), protocol: 'UDP' }]);
    assert.deepEqual(linesWith(s, 'elements'), [
      'elements = { udp . 53 : goto svc_udp_53 }',
      'elements = { 192.0.2.7 . tcp . 80 : goto svc_tcp_192_0_2_7_80 }',
    ]);
    assert.deepEqual(
      linesWith(s, 'dnat').map((l) => l.split(' ')[2]),
      ['tcp', 'udp'],
    );
  });

  it('a listener without endpoints gets no rule (the port refuses, as nothing listens)', () => {
    const s = renderRuleset('berth_x', 'host', [tcp(30080, [])]);
    assert.deepEqual(linesWith(s, 'dnat'), []);
    assert.deepEqual(linesWith(s, 'elements'), []);
  });

  it('host: prerouting and output (localhost too), masquerade of 127.0.0.1 only, the localnet guard', () => {
    const s = renderRuleset('berth_x', 'host', [tcp(30080, ['10.1.0.2:8080'])]);
    assert.deepEqual(
      linesWith(s, 'type ').filter((l) => l.startsWith('type')),
      [
        'type inet_proto . inet_service : verdict',
        'type ipv4_addr . inet_proto . inet_service : verdict',
        'type nat hook prerouting priority dstnat - 1; policy accept;',
        'type nat hook output priority -101; policy accept;',
        'type nat hook postrouting priority srcnat - 1; policy accept;',
        'type filter hook prerouting priority raw; policy accept;',
      ],
    );
    assert.deepEqual(linesWith(s, 'masquerade'), ['ip saddr 127.0.0.0/8 oifname != "lo" masquerade']);
    assert.deepEqual(linesWith(s, 'drop'), ['iifname != "lo" ip daddr 127.0.0.0/8 drop']);
  });

  it('anchor: prerouting only, every DNAT masqueraded so replies pass the anchor', () => {
    const s = renderRuleset('berth_x', 'anchor', [tcp(80, ['10.1.0.2:8080'])]);
    assert.deepEqual(linesWith(s, 'hook'), [
      'type nat hook prerouting priority dstnat - 1; policy accept;',
      'type nat hook postrouting priority srcnat - 1; policy accept;',
    ]);
    assert.deepEqual(linesWith(s, 'masquerade'), ['ct status dnat masquerade']);
  });

  it('never names a table but its own', () => {
    const s = renderRuleset('berth_x', 'host', [tcp(30080, ['10.1.0.2:8080'])]) + renderRemoval('berth_x');
    assert.deepEqual([...new Set([...s.matchAll(/table ip (\S+)/g)].map((m) => m[1]))], ['berth_x']);
  });

  it('the same listeners in another order render the same script', () => {
    const a = [tcp(30081, ['10.1.0.2:8080']), tcp(30080, ['10.1.0.3:8080'])];
    assert.equal(renderRuleset('berth_x', 'host', a), renderRuleset('berth_x', 'host', [...a].reverse()));
  });

  it('comments cannot break out of their quotes', () => {
    const s = renderRuleset('berth_x', 'host', [{ ...tcp(30080, ['10.1.0.2:8080']), comment: 'a "b" \\ c' }]);
    assert.deepEqual(linesWith(s, 'comment "a'), ['comment "a b  c"']);
  });
});

describe('services/kernel: names', () => {
  const cases: [string, string][] = [
    ['default', 'berth_default'],
    ['prod_1', 'berth_prod_1'],
  ];
  for (const [instance, want] of cases) it(`${instance} -> ${want}`, () => assert.equal(kernelTableName(instance), want));

  it('a name changed to fit nft gets a hash, so a-b and a_b stay apart', () => {
    assert.match(kernelTableName('a-b'), /^berth_a_b_[0-9a-f]{6}$/);
    assert.notEqual(kernelTableName('a-b'), kernelTableName('a_b'));
    assert.notEqual(kernelTableName('a-b'), kernelTableName('a.b'));
  });

  it('chain names carry protocol, address and port', () => {
    assert.equal(chainName({ protocol: 'UDP', address: '0.0.0.0', port: 53 }), 'svc_udp_53');
    assert.equal(chainName({ protocol: 'TCP', address: '127.0.0.1', port: 80 }), 'svc_tcp_127_0_0_1_80');
  });
});
