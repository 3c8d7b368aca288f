import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadManifests } from '../../../src/manifests';
import { ageModule, keyringOf, unwrapDataKey, type AgeKeyring } from '../../../src/secrets/sops/age';
import { decryptValue, encryptValue, formatNumber } from '../../../src/secrets/sops/cipher';
import { DEFAULT_UNENCRYPTED_SUFFIX, shouldBeEncrypted } from '../../../src/secrets/sops/metadata';
import type { SopsMode } from '../../../src/secrets/sops/open';
import { validateDirectory } from '../../../src/validate';
import { ageKeygen, sopsEncrypt, type AgeKey } from '../../helpers/sops';
import { makeTree, removeTree } from '../manifests/helpers';

const FIXTURES = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'sops');

// getsops/sops aes/cipher_test.go TestDecrypt.
const SOPS_VALUE = 'ENC[AES256_GCM,data:oYyi,iv:MyIDYbT718JRr11QtBkcj3Dwm4k1aCGZBVeZf0EyV8o=,tag:t5z2Z023Up0kxwCgw1gNxg==,type:str]';
// getsops/sops age/keysource_test.go: mockEncryptedKey decrypts to "data" with mockIdentity.
const MOCK_IDENTITY = 'AGE-SECRET-KEY-1G0Q5K9TV4REQ3ZSQRMTMG8NSWQGYT0T7TZ33RAZEE0GZYVZN0APSU24RK7';
const MOCK_OTHER_IDENTITY = 'AGE-SECRET-KEY-1432K5YRNSC44GC4986NXMX6GVZ52WTMT9C79CLUVWYY4DKDHD5JSNDP4MC';
const MOCK_ENCRYPTED_KEY = `-----BEGIN AGE ENCRYPTED FILE-----
YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBvY2t2NkdLUGRvY3l2OGNy
MVJWcUhCOEZrUG8yeCtnRnhxL0I5NFk4YjJFCmE4SVQ3MEdyZkFqRWpSa2F0NVhF
VDUybzBxdS9nSGpHSVRVMUI0UEVqZkkKLS0tIGJjeGhNQ0Y5L2VZRVVYSm90djFF
bzdnQ3UwTGljMmtrbWNMV1MxYkFzUFUK4xjOZOTGdcbzuwUY/zeBXhcF+Md3e5PQ
EylloI7MNGbadPGb
-----END AGE ENCRYPTED FILE-----`;

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db
  labels:
    tier_unencrypted: backend
type: Opaque
stringData:
  password: hunter2-sentinel
  port: "5432"
data:
  token: c2VjcmV0LXRva2Vu
`;

describe('sops: test vectors of the sops project', () => {
  it('decrypts the value of aes/cipher_test.go with its path as additional data', () => {
    const d = decryptValue(SOPS_VALUE, Buffer.from('f'.repeat(32)), 'bar:');
    assert.deepEqual(d, { ok: true, value: 'foo', type: 'str' });
  });

  it('refuses the same value under another path (additional data)', () => {
    assert.equal(decryptValue(SOPS_VALUE, Buffer.from('f'.repeat(32)), '').ok, false);
  });

  it('unwraps the age file of age/keysource_test.go with its identity, and not with the other', async () => {
    const age = await ageModule();
    const d = new age.Decrypter();
    d.addIdentity(MOCK_IDENTITY);
    assert.equal(await d.decrypt(age.armor.decode(MOCK_ENCRYPTED_KEY), 'text'), 'data');
    const other = await keyringOf([MOCK_OTHER_IDENTITY]);
    const r = await unwrapDataKey([{ recipient: 'age1lzd99uklcjnc0e7d860axevet2cz99ce9pq6tzuzd05l5nr28ams36nvun', enc: MOCK_ENCRYPTED_KEY }], other);
    assert.ok(!r.ok && /encrypted for another key: .*age1lzd99/.test(r.reason));
  });

  it('sops_test.go TestUnencryptedSuffix: a key ending in _unencrypted keeps its whole subtree in clear', () => {
    const rule = { kind: 'unencrypted_suffix' as const, suffix: DEFAULT_UNENCRYPTED_SUFFIX };
    assert.deepEqual(
      [['foo_unencrypted'], ['bar_unencrypted', 'foo'], ['foo'], ['baz', 'bar']].map((keys) => shouldBeEncrypted(rule, keys)),
      [false, false, true, true],
    );
    // encrypted_regex selects a subtree the same way: every value below data/stringData.
    const re = { kind: 'encrypted_regex' as const, re: /^(data|stringData)$/ };
    assert.deepEqual(
      [['stringData', 'password'], ['metadata', 'name'], ['kind']].map((keys) => shouldBeEncrypted(re, keys)),
      [true, false, false],
    );
  });

  it('formats numbers for the MAC as Go does (Itoa, FormatFloat f -1)', () => {
    assert.deepEqual([1, 1.5, 1e21, 1e-7, -0.25, Infinity].map(formatNumber), ['1', '1.5', '1000000000000000000000', '0.0000001', '-0.25', '+Inf']);
  });

  it('writes values sops reads back (type, empty value)', () => {
    const key = Buffer.alloc(32, 7);
    for (const v of ['x', 42, 1.25, true, false])
      assert.deepEqual(decryptValue(encryptValue(v, key, 'a:b:'), key, 'a:b:').ok && decryptValue(encryptValue(v, key, 'a:b:'), key, 'a:b:'), {
        ok: true,
        value: v,
        type: typeof v === 'string' ? 'str' : typeof v === 'boolean' ? 'bool' : Number.isInteger(v) ? 'int' : 'float',
      });
    assert.equal(encryptValue('', key, 'a:'), '');
  });
});

describe('sops: a file written by the sops CLI (3.7.0, Flux test data)', () => {
  let flux: AgeKeyring;
  let text: string;
  let dir: string | undefined;
  before(async () => {
    const keyText = await fs.readFile(path.join(FIXTURES, 'flux-age.txt'), 'utf8');
    flux = await keyringOf([keyText.split('\n').find((l) => l.startsWith('AGE-'))!]);
    text = await fs.readFile(path.join(FIXTURES, 'flux-secret.age.yaml'), 'utf8');
  });
  afterEach(() => removeTree(dir));

  const load = async (content: string, mode?: SopsMode) => {
    dir = await makeTree({ 'secret.yaml': content });
    return loadManifests(dir, {}, mode ? { sops: mode } : {});
  };

  it('decrypts it in memory; the MAC matches; positions are those of the committed file', async () => {
    const r = await load(text, { kind: 'decrypt', keyring: flux });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.docs[0]!.body, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sops-age' }, stringData: { secret: 'my-sops-age-secret' } });
    assert.deepEqual(r.docs[0]!.locate(['stringData', 'secret']), { line: 6, col: 5 });
  });

  it('refuses it with one byte of a ciphertext changed', async () => {
    const r = await load(text.replace('data:RwzrBF8w', 'data:RwzrBF9w'), { kind: 'decrypt', keyring: flux });
    assert.deepEqual(r.docs, []);
    assert.deepEqual([r.problems[0]!.line, r.problems[0]!.path, r.problems[0]!.code], [6, 'stringData.secret', 'sops.value']);
  });

  it('refuses it with one byte of a value in clear changed (bad MAC)', async () => {
    const r = await load(text.replace('name: sops-age', 'name: sops-agf'), { kind: 'decrypt', keyring: flux });
    assert.deepEqual(r.docs, []);
    assert.equal(r.problems[0]!.code, 'sops.mac');
    assert.match(r.problems[0]!.message, /MAC mismatch/);
  });

  it('refuses it with a key renamed (the path is the additional data)', async () => {
    const r = await load(text.replace('    secret: ENC', '    secrets: ENC'), { kind: 'decrypt', keyring: flux });
    assert.equal(r.problems[0]!.code, 'sops.value');
  });

  it('refuses it for another key, naming both recipients', async () => {
    const other = await keyringOf([MOCK_IDENTITY]);
    const r = await load(text, { kind: 'decrypt', keyring: other });
    assert.equal(r.problems[0]!.code, 'sops.no-key');
    assert.match(r.problems[0]!.message, /encrypted for another key: the file is encrypted for age1l44x.*berth's identities are for age1lzd99/);
  });

  it('refuses it without any identity, saying where identities come from', async () => {
    const r = await load(text);
    assert.match(r.problems[0]!.message, /no age identity was given to berth \(--age-key-file/);
  });

  it('structure only (validate without a key): placeholders and a warning saying what was not verified', async () => {
    const r = await load(text, { kind: 'structure' });
    assert.deepEqual(r.docs[0]!.body.stringData, { secret: '' });
    assert.equal(r.problems[0]!.severity, 'warning');
    assert.match(r.problems[0]!.message, /1 encrypted value\(s\) and the MAC were not verified/);
  });

  it('structure only still refuses a malformed encrypted value', async () => {
    const r = await load(text.replace('tag:Gg9XHapZI5q+rvtgeY6nrg==', 'tag:Gg9X'), { kind: 'structure' });
    assert.equal(r.problems[0]!.severity, 'error');
    assert.equal(r.problems[0]!.path, 'stringData.secret');
  });
});

describe('sops: files whose data key the age CLI wrapped', () => {
  let tmp: string;
  let alice: AgeKey;
  let bob: AgeKey;
  let dir: string | undefined;
  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-sops-'));
    [alice, bob] = await Promise.all([ageKeygen(tmp, 'alice'), ageKeygen(tmp, 'bob')]);
  });
  after(() => removeTree(tmp));
  afterEach(() => removeTree(dir));

  const open = async (content: string, ids: string[]) => {
    dir = await makeTree({ 'secret.yaml': content });
    return loadManifests(dir, {}, { sops: { kind: 'decrypt', keyring: await keyringOf(ids) } });
  };

  it('the default rule (everything encrypted but *_unencrypted): decrypts back to the plaintext', async () => {
    const r = await open(sopsEncrypt(SECRET, { recipients: [alice.recipient] }), [alice.identity]);
    assert.deepEqual(r.problems, []);
    assert.equal((r.docs[0]!.body.stringData as Record<string, string>).password, 'hunter2-sentinel');
    assert.equal((r.docs[0]!.body.metadata as { labels: Record<string, string> }).labels.tier_unencrypted, 'backend');
  });

  for (const rule of [
    { encrypted_regex: '^(data|stringData)$' },
    { unencrypted_regex: '^(apiVersion|kind|metadata|type)$' },
    { encrypted_suffix: 'Data' },
    { unencrypted_suffix: '_unencrypted' },
  ]) {
    it(`rule ${Object.keys(rule)[0]}: decrypts, and the MAC covers values in clear`, async () => {
      const enc = sopsEncrypt(SECRET, { recipients: [alice.recipient], rule });
      const ok = await open(enc, [alice.identity]);
      assert.deepEqual(ok.problems, []);
      assert.equal((ok.docs[0]!.body.stringData as Record<string, string>).port, '5432');
      const tampered = await open(enc.replace('tier_unencrypted: backend', 'tier_unencrypted: backenf'), [alice.identity]);
      assert.equal(tampered.problems[0]?.code, 'sops.mac');
    });
  }

  it('mac_only_encrypted: values in clear are outside the MAC (as in sops), encrypted ones inside', async () => {
    const enc = sopsEncrypt(SECRET, { recipients: [alice.recipient], rule: { encrypted_regex: '^stringData$' }, macOnlyEncrypted: true });
    assert.deepEqual((await open(enc.replace('name: db', 'name: dc'), [alice.identity])).problems, []);
    const plainMac = sopsEncrypt(SECRET, { recipients: [alice.recipient], rule: { encrypted_regex: '^stringData$' } });
    assert.equal((await open(plainMac.replace('name: db', 'name: dc'), [alice.identity])).problems[0]!.code, 'sops.mac');
  });

  it('several documents share one MAC; swapping their order is refused', async () => {
    const two = sopsEncrypt(`${SECRET}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n`, { recipients: [alice.recipient] });
    const r = await open(two, [alice.identity]);
    assert.deepEqual([r.problems, r.docs.map((d) => d.body.kind)], [[], ['Secret', 'ConfigMap']]);
    const [first, second] = two.split('---\n');
    assert.ok((await open(`${second}---\n${first}`, [alice.identity])).problems.length > 0);
  });

  it('rotation: a file for bob opens with identities [alice, bob]; several recipients, any identity', async () => {
    assert.deepEqual((await open(sopsEncrypt(SECRET, { recipients: [bob.recipient] }), [alice.identity, bob.identity])).problems, []);
    assert.deepEqual((await open(sopsEncrypt(SECRET, { recipients: [alice.recipient, bob.recipient] }), [bob.identity])).problems, []);
  });

  it('a commit berth cannot decrypt fails validation with FILE:LINE and why', async () => {
    dir = await makeTree({ 'secret.yaml': sopsEncrypt(SECRET, { recipients: [bob.recipient] }) });
    const v = await validateDirectory(dir, {
      allowHostPath: [],
      allowPrivileged: false,
      sops: { kind: 'decrypt', keyring: await keyringOf([alice.identity]) },
    });
    assert.ok(!v.ok);
    const p = v.problems[0]!;
    assert.match(`${p.file}:${p.line}: ${p.message}`, /^secret\.yaml:\d+: cannot decrypt: encrypted for another key/);
  });

  it('a decrypted Secret passes the schema and becomes desired state', async () => {
    dir = await makeTree({ 'secret.yaml': sopsEncrypt(SECRET, { recipients: [alice.recipient] }) });
    const v = await validateDirectory(dir, {
      allowHostPath: [],
      allowPrivileged: false,
      sops: { kind: 'decrypt', keyring: await keyringOf([alice.identity]) },
    });
    assert.ok(v.ok, JSON.stringify(!v.ok && v.problems));
  });
});

describe('a Secret value never reaches a schema message', () => {
  let dir: string | undefined;
  afterEach(() => removeTree(dir));

  it('a number where a string is expected is not echoed ("quote it")', async () => {
    dir = await makeTree({ 's.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: n\nstringData:\n  pin: 73915284601\n' });
    const v = await validateDirectory(dir, { allowHostPath: [], allowPrivileged: false });
    assert.ok(!v.ok);
    assert.equal(v.problems[0]!.path, 'stringData.pin');
    assert.ok(!JSON.stringify(v.problems).includes('73915284601'), JSON.stringify(v.problems));
  });
});
