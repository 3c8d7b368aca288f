import { strict as assert } from 'node:assert';
import { chooseProxyMode, parseProxyMode, type KernelSupport, type ProxyModeOption } from '../../../../src/proxy/kernel/mode';

describe('proxy/kernel: --proxy-mode', () => {
  const yes: KernelSupport = { ok: true };
  const no: KernelSupport = { ok: false, why: 'berth is not root' };
  const cases: [ProxyModeOption, KernelSupport, string][] = [
    ['auto', yes, 'kernel'],
    ['auto', no, 'userspace'],
    ['kernel', yes, 'kernel'],
    ['userspace', yes, 'userspace'],
    ['userspace', no, 'userspace'],
  ];
  for (const [option, support, want] of cases) it(`${option}, kernel ${support.ok ? 'available' : 'not available'} -> ${want}`, () => assert.equal(chooseProxyMode(option, support), want));

  it('kernel asked for but not available: an error saying why and what to do', () => {
    assert.throws(() => chooseProxyMode('kernel', no), /--proxy-mode kernel: nftables forwarding is not available here: berth is not root/);
  });
  it('an unknown mode is a usage error naming the choices', () => assert.throws(() => parseProxyMode('ipvs'), /"ipvs" is not one of auto, kernel, userspace/));
});
