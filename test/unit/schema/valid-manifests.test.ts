/**
 * Manifests written the way the Kubernetes docs write them validate, with exactly the
 * warnings expected for fields that mean nothing on one Docker host.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadManifests } from '../../../src/manifests';
import { validateDocuments } from '../../../src/schema';
import { formatProblem } from '../../../src/util/problems';
import { docsFromYaml, fixture, FIXTURES } from './helpers';

interface Case {
  fixture: string;
  documents: number;
  /** `line:col path [code]` of each warning. */
  warnings: string[];
}

const CASES: Case[] = [
  {
    fixture: 'nginx-deployment.yaml',
    documents: 1,
    warnings: ['49:11 spec.template.spec.containers[0].resources.requests [schema.requests-only]'],
  },
  { fixture: 'statefulset-web.yaml', documents: 2, warnings: [] },
  { fixture: 'services.yaml', documents: 4, warnings: [] },
  { fixture: 'configmap.yaml', documents: 1, warnings: [] },
  { fixture: 'secrets.yaml', documents: 3, warnings: [] },
  { fixture: 'pvc.yaml', documents: 1, warnings: ['14:3 spec.selector [schema.ignored-field]'] },
  {
    fixture: 'pod-security-context.yaml',
    documents: 2,
    // runAsUser/runAsGroup are honoured (docs/pod-features.md); fsGroup is not.
    warnings: ['18:5 spec.securityContext.fsGroup [schema.ignored-field]', '68:5 spec.containers[0].lifecycle [schema.ignored-field]'],
  },
  {
    fixture: 'exported-deployment.yaml',
    documents: 1,
    warnings: [
      '39:9 spec.template.spec.containers[0].terminationMessagePath [schema.ignored-field]',
      '40:9 spec.template.spec.containers[0].terminationMessagePolicy [schema.ignored-field]',
      '41:7 spec.template.spec.dnsPolicy [schema.ignored-field]',
      '43:7 spec.template.spec.schedulerName [schema.ignored-field]',
    ],
  },
  {
    fixture: 'daemonset-fluentd.yaml',
    documents: 1,
    warnings: [
      '18:7 spec.template.spec.tolerations [schema.ignored-field]',
      '29:11 spec.template.spec.containers[0].resources.requests [schema.requests-only]',
    ],
  },
  { fixture: 'ingress-examples.yaml', documents: 5, warnings: ['86:3 spec.parameters [schema.ignored-field]'] },
];

describe('schema: valid manifests', () => {
  for (const c of CASES) {
    it(`${c.fixture} validates with ${c.warnings.length} warning(s)`, () => {
      const docs = docsFromYaml(fixture(c.fixture), c.fixture);
      const { valid, problems } = validateDocuments(docs);
      const seen = problems.map((p) => `${p.severity === 'warning' ? '' : 'ERROR '}${p.line}:${p.col} ${p.path} [${p.code}]`);
      assert.deepEqual({ valid: valid.length, problems: seen }, { valid: c.documents, problems: c.warnings });
    });
  }

  it('keeps valid documents in input order and names the file in every problem', () => {
    const docs = ['pvc.yaml', 'configmap.yaml', 'nginx-deployment.yaml'].flatMap((f) => docsFromYaml(fixture(f), `deploy/${f}`));
    const { valid, problems } = validateDocuments(docs);
    assert.deepEqual(
      { valid: valid.map((d) => d.file), files: problems.map((p) => p.file) },
      { valid: ['deploy/pvc.yaml', 'deploy/configmap.yaml', 'deploy/nginx-deployment.yaml'], files: ['deploy/nginx-deployment.yaml', 'deploy/pvc.yaml'] },
    );
  });

  it('nothing in, nothing out', () => {
    assert.deepEqual(validateDocuments([]), { valid: [], problems: [] });
  });

  it('reports the same positions through the real loader (src/manifests) as through the test helper', async () => {
    const loaded = await loadManifests(FIXTURES);
    const viaLoader = validateDocuments(loaded.docs).problems.map(formatProblem);
    const viaHelper = validateDocuments(CASES.flatMap((c) => docsFromYaml(fixture(c.fixture), c.fixture))).problems.map(formatProblem);
    assert.deepEqual({ loadProblems: loaded.problems, viaLoader }, { loadProblems: [], viaLoader: viaHelper });
  });

  it('the starter repository (repo-template/) validates without a single problem', () => {
    const root = path.resolve(__dirname, '../../../../repo-template');
    const files = listYaml(root);
    const docs = files.flatMap((f) => docsFromYaml(fs.readFileSync(path.join(root, f), 'utf8'), f));
    const { valid, problems } = validateDocuments(docs);
    assert.deepEqual({ valid: valid.length, problems }, { valid: docs.length, problems: [] });
    assert.ok(docs.length >= 5, `expected the template's manifests, found ${files.join(', ')}`);
  });
});

function listYaml(root: string, dir = ''): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) return e.name.startsWith('.') ? [] : listYaml(root, rel);
    return /\.ya?ml$/.test(e.name) ? [rel] : [];
  });
}
