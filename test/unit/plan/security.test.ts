import { strict as assert } from 'node:assert';
import { judgeImageUser, securityFields } from '../../../src/plan/security';
import type { SecurityContext } from '../../../src/model/types';
import { container } from './fixtures';

const fields = (sc: Partial<SecurityContext>, warnings: string[] = []) =>
  securityFields(
    container('c', 'img:1', { securityContext: { privileged: false, capabilitiesAdd: [], capabilitiesDrop: [], readOnlyRootFilesystem: false, ...sc } }),
    (m) => warnings.push(m),
  );

describe('plan/security: securityContext on Docker', () => {
  const cases: [string, Partial<SecurityContext>, unknown][] = [
    ['nothing set: nothing', {}, {}],
    ['runAsUser -> User', { runAsUser: 1000 }, { user: '1000' }],
    ['runAsUser + runAsGroup -> User uid:gid', { runAsUser: 1000, runAsGroup: 3000 }, { user: '1000:3000' }],
    ['runAsGroup alone: completed from the image at creation', { runAsGroup: 3000 }, { imageUserCheck: { runAsNonRoot: false, runAsGroup: 3000 } }],
    ['supplementalGroups -> GroupAdd', { supplementalGroups: [4000, 5000] }, { groupAdd: ['4000', '5000'] }],
    ['allowPrivilegeEscalation false -> no-new-privileges', { allowPrivilegeEscalation: false }, { securityOpt: ['no-new-privileges'] }],
    ['allowPrivilegeEscalation true: Docker default', { allowPrivilegeEscalation: true }, {}],
    ['seccomp RuntimeDefault: Docker default', { seccompProfile: 'RuntimeDefault' }, {}],
    ['seccomp Unconfined -> seccomp=unconfined', { seccompProfile: 'Unconfined' }, { securityOpt: ['seccomp=unconfined'] }],
    ['runAsNonRoot -> checked against the image', { runAsNonRoot: true, runAsUser: 1000 }, { user: '1000', imageUserCheck: { runAsNonRoot: true } }],
  ];
  for (const [name, sc, want] of cases) it(name, () => assert.deepEqual(fields(sc), want));

  it('seccomp Localhost: a warning, the default profile applies', () => {
    const warnings: string[] = [];
    assert.deepEqual(fields({ seccompProfile: 'Localhost' }, warnings), {});
    assert.match(warnings.join('\n'), /Localhost is not supported/);
  });
});

describe('plan/security: runAsNonRoot against the image USER (kubelet verifyRunAsNonRoot)', () => {
  const nonRoot = { runAsNonRoot: true };
  const cases: [string, { user?: string }, { runAsNonRoot: boolean; runAsGroup?: number }, string, RegExp | string | undefined][] = [
    ['root image, no runAsUser: refused', {}, nonRoot, '', /image "img:1" runs as root \(no USER\) and no runAsUser is set/],
    ['image USER 0: refused', {}, nonRoot, '0:0', /runs as root \(USER 0:0\)/],
    ['image USER root: refused', {}, nonRoot, 'root', /runs as root \(USER root\)/],
    ['image USER by name: cannot be verified', {}, nonRoot, 'app', /non-numeric user \(app\), cannot verify/],
    ['image USER 1000: fine', {}, nonRoot, '1000', undefined],
    ['runAsUser 1000 over a root image: fine', { user: '1000' }, nonRoot, '', undefined],
    ['runAsUser 0: refused whatever the image', { user: '0' }, nonRoot, '1000', /runAsUser is 0/],
    ['runAsGroup alone, image USER app: app:3000', {}, { runAsNonRoot: false, runAsGroup: 3000 }, 'app:app', 'app:3000'],
    ['runAsGroup alone, root image: 0:3000', {}, { runAsNonRoot: false, runAsGroup: 3000 }, '', '0:3000'],
    ['runAsGroup alone with runAsNonRoot, image USER 1000: 1000:3000', {}, { runAsNonRoot: true, runAsGroup: 3000 }, '1000', '1000:3000'],
  ];
  for (const [name, spec, check, imageUser, want] of cases) {
    it(name, () => {
      const v = judgeImageUser({ image: 'img:1', ...spec }, check, imageUser);
      if (want === undefined) assert.deepEqual(v, { ok: true });
      else if (typeof want === 'string') assert.deepEqual(v, { ok: true, user: want });
      else {
        assert.equal(v.ok, false);
        if (!v.ok) assert.match(v.reason, want);
      }
    });
  }
});
