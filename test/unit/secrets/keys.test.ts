import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultKeyFile, loadAgeKeyring, parseKeyFile } from '../../../src/secrets/keys';
import { ageKeygen } from '../../helpers/sops';

describe('age identities: where berth finds them', () => {
  let tmp: string;
  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-keys-'));
  });
  after(() => fs.rm(tmp, { recursive: true, force: true }));

  it('combines --age-key-file (repeatable), SOPS_AGE_KEY_FILE, SOPS_AGE_KEY and the default file', async () => {
    const [a, b, c, d] = await Promise.all(['a', 'b', 'c', 'd'].map((n) => ageKeygen(tmp, n)));
    const config = path.join(tmp, 'config');
    await fs.mkdir(path.join(config, 'sops', 'age'), { recursive: true });
    await fs.copyFile(d!.file, path.join(config, 'sops', 'age', 'keys.txt'));
    const env = { SOPS_AGE_KEY_FILE: c!.file, SOPS_AGE_KEY: b!.identity, XDG_CONFIG_HOME: config };
    const ring = await loadAgeKeyring({ keyFiles: [a!.file, b!.file], env });
    assert.deepEqual([...ring.recipients].sort(), [a, b, c, d].map((k) => k!.recipient).sort());
  });

  it('the default file may be absent; a named one may not', async () => {
    const env = { XDG_CONFIG_HOME: path.join(tmp, 'none') };
    assert.equal((await loadAgeKeyring({ keyFiles: [], env })).identities.length, 0);
    await assert.rejects(loadAgeKeyring({ keyFiles: [path.join(tmp, 'missing.txt')], env }), /cannot read age key file .*missing\.txt/);
  });

  it("sops' default location is $XDG_CONFIG_HOME/sops/age/keys.txt, else ~/.config/sops/age/keys.txt", () => {
    assert.equal(defaultKeyFile({ HOME: '/home/op' }), '/home/op/.config/sops/age/keys.txt');
    assert.equal(defaultKeyFile({ HOME: '/home/op', XDG_CONFIG_HOME: '/cfg' }), '/cfg/sops/age/keys.txt');
  });

  it('a line that is not an identity is refused with its line number, never its content', () => {
    assert.throws(
      () => parseKeyFile('# c\nAGE-SECRET-KEY-1QQQ\nnot-a-key-sentinel\n', 'k.txt'),
      (e: Error) => /k\.txt:3: not an age identity/.test(e.message) && !e.message.includes('sentinel'),
    );
    assert.throws(() => parseKeyFile('AGE-PLUGIN-YUBIKEY-1XYZ\n', 'k.txt'), /plugin identity \(not supported\)/);
  });
});
