/**
 * `\'` inside a double-quoted string: go-yaml (kubectl, the API server) reads it as a quote,
 * YAML 1.2 has no such escape. berth reads it as Kubernetes does and says so in a warning.
 */
import assert from 'node:assert/strict';
import { parseManifestText } from '../../../src/manifests/parse';

const LIMITS = { maxAliasCount: 100, documentsLeft: 100, maxDocuments: 100 };
const parse = (text: string) => parseManifestText('f.yaml', text, LIMITS);

describe("manifests/parse: go-yaml's \\' escape", () => {
  it("reads \\' as ' with a warning at its line and column", () => {
    const r = parse(String.raw`kind: Pod
args: ["echo \"A=\'a\'\" > f"]
`);
    assert.deepEqual(r.docs[0]!.body.args, [`echo "A='a'" > f`]);
    assert.deepEqual(
      r.problems.map((p) => [p.severity, p.code, p.line, p.col]),
      [
        ['warning', 'yaml.escape', 2, 18],
        ['warning', 'yaml.escape', 2, 21],
      ],
    );
  });

  it('leaves an escaped backslash before a quote alone', () => {
    const r = parse(String.raw`kind: Pod
a: "x\\'y"
`);
    assert.deepEqual([r.docs[0]!.body.a, r.problems], ["x\\'y", []]);
  });

  it('still refuses an escape that go-yaml refuses too', () => {
    const r = parse(String.raw`kind: Pod
a: "\q"
`);
    assert.deepEqual(
      r.problems.map((p) => [p.severity, p.code]),
      [['error', 'yaml.syntax']],
    );
  });
});
