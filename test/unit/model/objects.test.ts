import { strict as assert } from 'node:assert';
import { build, configMap, deployment, namespace, withCode } from './helpers';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('model/Secret', () => {
  it('stringData is base64-encoded into data', () => {
    const r = build('kind: Secret\napiVersion: v1\nmetadata: {name: s}\nstringData:\n  password: hunter2\n');
    assert.deepEqual(r.desired.secrets[0].data, { password: b64('hunter2') });
  });
  it('stringData is merged with data, and wins on the same key', () => {
    const yaml = `kind: Secret\napiVersion: v1\nmetadata: {name: s}\ndata:\n  user: ${b64('admin')}\n  password: ${b64('old')}\nstringData:\n  password: new\n`;
    assert.deepEqual(build(yaml).desired.secrets[0].data, { user: b64('admin'), password: b64('new') });
  });
  it('type defaults to Opaque', () => assert.equal(build('kind: Secret\napiVersion: v1\nmetadata: {name: s}\n').desired.secrets[0].type, 'Opaque'));
  it('data that is not base64 is an error at the key', () => {
    const r = build('kind: Secret\napiVersion: v1\nmetadata: {name: s}\ndata:\n  token: not base64!\n');
    assert.deepEqual(
      r.problems.map((p) => [p.code, p.path, p.line]),
      [['secret.base64', 'data.token', 5]],
    );
  });
});

describe('model/duplicates', () => {
  const yaml = 'kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: c\n---\nkind: ConfigMap\napiVersion: v1\nmetadata:\n  name: c\n';
  it('the second declaration is the error, naming the first file:line', () => {
    const r = build(yaml);
    assert.deepEqual(
      r.problems.map((p) => [p.code, p.line, p.message]),
      [['dup.resource', 9, 'ConfigMap "c" is already declared at test.yaml:4']],
    );
  });
  it('only the first is kept', () => assert.equal(build(yaml).desired.configMaps.length, 1));
  it('same name, different kind is fine', () => assert.deepEqual(build([configMap('web'), deployment('web')]).problems, []));
  it('same name, different namespace is fine', () =>
    assert.deepEqual(build([namespace('shop'), configMap('c'), configMap('c', {}, { namespace: 'shop' })]).problems, []));
});

describe('model/namespaces', () => {
  it('a namespace used but not declared is an error', () => {
    const r = build([configMap('c', {}, { namespace: 'shop' })]);
    assert.deepEqual(
      withCode(r.problems, 'namespace.undeclared').map((p) => [p.path, p.message]),
      [['metadata.namespace', 'namespace "shop" is not declared (add a Namespace manifest)']],
    );
  });
  it('a declared namespace is fine', () => assert.deepEqual(build([namespace('shop'), configMap('c', {}, { namespace: 'shop' })]).problems, []));
  it('default needs no declaration', () => assert.deepEqual(build([configMap('c', {}, { namespace: 'default' })]).problems, []));
  it('declaring default explicitly replaces the implicit one', () => {
    const r = build([namespace('default')]);
    assert.deepEqual([r.problems, r.desired.namespaces.map((n) => n.meta.source.file)], [[], ['test.yaml']]);
  });
});
