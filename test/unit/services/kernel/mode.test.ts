import { strict as assert } from 'node:assert';
import { chooseProxyModes, dropsForwarded, parseProxyMode, type KernelSupport, type ProxyModeOption } from '../../../../src/services/kernel/mode';

describe('services/kernel: --proxy-mode', () => {
  const yes: KernelSupport = { ok: true };
  const no: KernelSupport = { ok: false, why: 'berth is not root' };
  // option, nft usable, Docker's FORWARD drops -> host ports, anchors
  const cases: [ProxyModeOption, KernelSupport, boolean, string][] = [
    ['auto', yes, false, 'kernel kernel'],
    ['auto', yes, true, 'userspace kernel'],
    ['auto', no, false, 'userspace userspace'],
    ['kernel', yes, false, 'kernel kernel'],
    ['kernel', yes, true, 'kernel kernel'],
    ['userspace', yes, false, 'userspace userspace'],
    ['userspace', no, true, 'userspace userspace'],
  ];
  for (const [option, support, drops, want] of cases) {
    it(`${option}, nft ${support.ok ? 'usable' : 'not usable'}, forward ${drops ? 'drops' : 'open'} -> host ports, anchors: ${want}`, () => {
      const m = chooseProxyModes(option, support, drops);
      assert.equal(`${m.host} ${m.anchors}`, want);
    });
  }

  it('auto keeps host ports in userspace when forwarding drops, and says why', () => {
    assert.match(chooseProxyModes('auto', yes, true).notes.join(), /drops forwarded packets by policy .*other machines' connections/);
  });
  it('kernel asked for where forwarding drops: host ports reach only this host, said so', () => {
    assert.match((chooseProxyModes('kernel', yes, true).warnings ?? []).join(), /only this host reaches them/);
  });
  it('kernel asked for but not available: an error saying why and what to do', () => {
    assert.throws(() => chooseProxyModes('kernel', no, false), /--proxy-mode kernel: nftables forwarding is not available here: berth is not root/);
  });
  it('an unknown mode is a usage error naming the choices', () => assert.throws(() => parseProxyMode('ipvs'), /"ipvs" is not one of auto, kernel, userspace/));
});

describe('services/kernel: dropsForwarded', () => {
  const docker = 'table ip filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy drop;\n\t}\n}';
  const open = 'table ip filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy accept;\n\t}\n}';
  const cases: [string, string, string, boolean][] = [
    ["Docker's FORWARD through iptables-nft", docker, '', true],
    ['iptables-legacy: -P FORWARD DROP', open, '-P FORWARD DROP\n-A FORWARD -j DOCKER-USER', true],
    ['accept everywhere', open, '-P FORWARD ACCEPT', false],
    ['no firewall at all', '', '', false],
  ];
  for (const [name, nft, ipt, want] of cases) it(`${name}: ${want}`, () => assert.equal(dropsForwarded(nft, ipt), want));
});
