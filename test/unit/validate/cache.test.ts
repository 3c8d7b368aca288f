import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ParsedFileCache } from '../../../src/manifests';
import { ValidationCache, validateDirectory, type ValidateOptions, type ValidationOutcome } from '../../../src/validate';
import { formatProblem } from '../../../src/util/problems';
import { CONFIGMAP, makeTree, removeTree } from '../manifests/helpers';

const deployment = (name: string, configMap: string, version = 1): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: app
          image: busybox:1.36
          env: [{ name: VERSION, value: "${version}" }]
          envFrom: [{ configMapRef: { name: ${configMap} } }]
`;

const errors = (v: ValidationOutcome): string[] => (v.ok ? [] : v.problems.filter((p) => p.severity === 'error').map(formatProblem));

describe('validate/ValidationCache', () => {
  let dir: string;
  let cache: ValidationCache;
  let opts: ValidateOptions;
  const write = (rel: string, text: string) => fs.writeFile(path.join(dir, rel), text);
  /** Parses and schema checks done (not found in the cache) by one validation. */
  async function validateCounting(): Promise<{ outcome: ValidationOutcome; parsed: number; checked: number }> {
    const before = cache.stats();
    const outcome = await validateDirectory(dir, opts);
    const after = cache.stats();
    return { outcome, parsed: after.parses.misses - before.parses.misses, checked: after.schemaChecks.misses - before.schemaChecks.misses };
  }

  beforeEach(async () => {
    dir = await makeTree({ 'a.yaml': deployment('a', 'cfg'), 'b.yaml': deployment('b', 'cfg'), 'cfg.yaml': CONFIGMAP('cfg') });
    cache = new ValidationCache();
    opts = { allowHostPath: [], allowPrivileged: false, cache };
  });
  afterEach(() => removeTree(dir));

  it('parses and checks a changed file again, and no unchanged one', async () => {
    assert.deepEqual((await validateCounting()).parsed, 3);
    await write('a.yaml', deployment('a', 'cfg', 2));
    const again = await validateCounting();
    assert.deepEqual([again.outcome.ok, again.parsed, again.checked], [true, 1, 1]);
    assert.deepEqual(again.outcome.ok && again.outcome.desired.deployments.find((d) => d.meta.name === 'a')?.template.spec.containers[0].env[0], {
      name: 'VERSION',
      value: '2',
    });
  });

  it('gives the same desired state and warnings as a validation without it', async () => {
    await write('c.yaml', `${CONFIGMAP('c')}  annotations: { x: "1" }\nimmutable: true\n`);
    await validateDirectory(dir, opts);
    await write('b.yaml', deployment('b', 'cfg', 3));
    const cached = await validateDirectory(dir, opts);
    const fresh = await validateDirectory(dir, { allowHostPath: [], allowPrivileged: false });
    assert.equal(JSON.stringify(cached), JSON.stringify(fresh));
  });

  it('still finds a missing ConfigMap when only the referring file changed', async () => {
    await validateDirectory(dir, opts);
    await write('a.yaml', deployment('a', 'gone'));
    const v = await validateCounting();
    assert.equal(v.parsed, 1);
    assert.match(errors(v.outcome).join('\n'), /^a\.yaml:14:\d+: .*ConfigMap "gone" does not exist/m);
  });

  it('finds the references of unchanged files broken by a file removed', async () => {
    await validateDirectory(dir, opts);
    await fs.rm(path.join(dir, 'cfg.yaml'));
    const v = await validateCounting();
    assert.equal(v.parsed, 0);
    assert.deepEqual(
      errors(v.outcome).map((e) => e.split(':')[0]),
      ['a.yaml', 'b.yaml'],
    );
  });

  it('finds a duplicate name made by a changed file beside an unchanged one', async () => {
    await validateDirectory(dir, opts);
    await write('b.yaml', deployment('a', 'cfg'));
    assert.match(errors(await validateDirectory(dir, opts)).join('\n'), /Deployment "a"/);
  });

  it('keeps reporting the schema error of an unchanged file', async () => {
    await write('b.yaml', deployment('b', 'cfg').replace('image:', 'imagee:'));
    const first = errors(await validateDirectory(dir, opts));
    assert.ok(
      first.some((e) => e.startsWith('b.yaml:12:')),
      first.join('\n'),
    );
    await write('a.yaml', deployment('a', 'cfg', 2));
    const v = await validateCounting();
    assert.deepEqual([v.parsed, errors(v.outcome)], [1, first]);
  });

  it('parses again a file that the document limit now cuts', async () => {
    await validateDirectory(dir, opts);
    const v = await validateDirectory(dir, { ...opts, limits: { maxDocuments: 2 } });
    assert.match(errors(v).join('\n'), /^cfg\.yaml:1:1: .*more than 2 documents/m);
  });
});

describe('manifests/ParsedFileCache', () => {
  const parsed = { docs: [], problems: [], limitReached: false };

  it('keeps one entry per file, replaced when the file changes', () => {
    const cache = new ParsedFileCache();
    cache.set('a.yaml', 'one', 100, parsed);
    cache.set('a.yaml', 'two', 100, parsed);
    assert.deepEqual([cache.get('a.yaml', 'one', 100, 10), cache.get('a.yaml', 'two', 100, 10) === parsed, cache.stats().entries], [undefined, true, 1]);
  });

  it('keeps at most its bound, dropping the least recently used', () => {
    const cache = new ParsedFileCache(2);
    cache.set('a.yaml', 'a', 100, parsed);
    cache.set('b.yaml', 'b', 100, parsed);
    cache.get('a.yaml', 'a', 100, 10);
    cache.set('c.yaml', 'c', 100, parsed);
    const kept = ['a.yaml', 'b.yaml', 'c.yaml'].filter((f) => cache.get(f, f[0], 100, 10));
    assert.deepEqual([kept, cache.stats().entries], [['a.yaml', 'c.yaml'], 2]);
  });

  it('is keyed by the alias limit too, and keeps no parse cut short by the document limit', () => {
    const cache = new ParsedFileCache();
    cache.set('a.yaml', 'a', 100, parsed);
    cache.set('b.yaml', 'b', 100, { ...parsed, limitReached: true });
    assert.deepEqual([cache.get('a.yaml', 'a', 5, 10), cache.get('b.yaml', 'b', 100, 10)], [undefined, undefined]);
  });
});
