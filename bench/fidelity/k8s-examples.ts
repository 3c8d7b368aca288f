/**
 * How many real manifests berth accepts: every `*.yaml` under a directory (the examples of
 * the Kubernetes documentation, kubernetes/website content/en/examples, fetched by hand; they
 * are not part of this repository) is validated ON ITS OWN, as `berth validate FILE` would.
 *
 * A file is in scope when all its kinds are ones berth runs or accepts without effect; the
 * rest (CRDs, admission policies, ReplicaSets, ...) and files Kubernetes itself refuses
 * (NOT_VALID) are out of scope. Each rejection is named by the limit it stands for (LIMITS),
 * or reported as a false rejection.
 * A file rejected only for naming an object it does not define (a ConfigMap the docs create
 * with kubectl, the Service in the next file) is judged a second time with the smallest
 * such objects supplied (stubs.ts): "accepted with its references".
 *
 *   node dist/bench/fidelity/k8s-examples.js DIR [--verbose] [--allow-all]
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KINDS } from '../../src/model/types';
import { INERT_KIND_NAMES } from '../../src/schema/inert';
import { validatePaths } from '../../src/validate';
import { formatProblem, type Problem } from '../../src/util/problems';
import { emptyStubs, learn, stubYaml } from './stubs';

/**
 * Files that Kubernetes itself refuses as stored, with why: they are not valid manifests, so
 * they are left out of the figure. Most are stale copies in the look-up index (the docs have
 * fixed them since) or placeholders the reader is meant to replace.
 */
const NOT_VALID: Record<string, string> = {
  // stale copies
  'application/job/cronjob.yaml': 'CronJob at batch/v1beta1, removed in Kubernetes 1.25',
  'pods/pod-with-node-affinity.yaml': 'requiredDuringSchedulingIgnoredDuringExecution is not a list of nodeSelectorTerms',
  'pods/inject/pod-single-secret-env-variable.yaml': 'no apiVersion (kubectl: "apiVersion not set")',
  'pods/inject/pod-multiple-secret-env-variable.yaml': 'a tab in the indentation (not YAML)',
  'controllers/job-pod-failure-policy-ignore.yaml': 'a tab in the indentation (not YAML)',
  'controllers/job-success-policy-example.yaml': 'no metadata (a name is required)',
  'concepts/policy/limit-range/problematic-limit-range.yaml': 'spec.limits[0] without type, which the API requires',
  'service/networking/dual-stack-ipv6-svc.yaml': 'spec.ipFamily, removed in Kubernetes 1.20 (strict field validation refuses it)',
  'service/networking/dual-stack-ipv6-lb-svc.yaml': 'spec.ipFamily, removed in Kubernetes 1.20 (strict field validation refuses it)',
  'service/networking/example-ingress.yaml': 'Ingress at networking.k8s.io/v1beta1, removed in Kubernetes 1.22',
  'secret/serviceaccount/mysecretname.yaml': 'metadata.annotations is a list, not a mapping (cannot be decoded)',
  // placeholders (berth refuses them too, as it should)
  'pods/private-reg-pod.yaml': 'image <your-private-image> is a placeholder (kubelet: InvalidImageName)',
  'application/job/rabbitmq/job.yaml': 'image gcr.io/<project>/job-wq-1 is a placeholder',
  'application/job/job-tmpl.yaml': 'a template expanded with sed first: metadata.name "process-item-$ITEM" is not a name',
  'secret/tls-auth-secret.yaml': 'data "REPLACE_WITH_BASE64_CERT" is a placeholder, not base64',
  // alpha: a default API server drops fileKeyRef, then refuses the env var without a source
  'pods/inject/envars-file-container.yaml': 'env fileKeyRef needs the EnvFiles feature gate (alpha, off by default)',
};

/**
 * The rejections berth means to make, by the sentence it says: a real limit of one Docker
 * host, or its default policy (which a flag lifts). Any other rejection is a false one.
 */
const LIMITS: [RegExp, string][] = [
  [/spec\.volumes\[\d+\]\.image: this volume type is not supported/, 'limit: Docker 20.10 cannot mount an OCI image as a volume'],
  [/resource backends are not supported/, 'limit: nothing on a Docker host serves a custom-resource backend'],
  [/must be an absolute path \(starting with \/\)/, 'limit: a Windows path; Windows containers do not run on a Linux Docker host'],
  [/hostPath ".*" is not allowed/, 'policy: a hostPath is a directory of the host itself; --allow-host-path allows it'],
  [/capabilities\.add \[[^\]]*\] of container .* is not allowed/, "policy: a capability beyond Docker's defaults; --allow-privileged allows it"],
  [/(hostNetwork is|privileged containers are) not allowed/, "policy: the host's network or a privileged container; --allow-privileged allows it"],
];

/** Errors the stubs answer (an object named from another file); they explain no rejection. */
const REFERENCE = /does not exist in namespace|is not declared/;

/** The limit a rejection stands for: every other error of the file names one, else undefined. */
function limitOf(v: Verdict): string | undefined {
  const named = v.errors.filter((e) => !REFERENCE.test(e)).map((e) => LIMITS.find(([re]) => re.test(e))?.[1]);
  return named.length > 0 && named.every((n) => n !== undefined) ? named[0] : undefined;
}

const SUPPORTED = new Set<string>([...KINDS, ...INERT_KIND_NAMES]);

type Scope = { in: 'scope' } | { in: 'out'; why: string };

function scopeOf(rel: string, kinds: readonly string[]): Scope {
  if (NOT_VALID[rel]) return { in: 'out', why: `not a valid manifest: ${NOT_VALID[rel]}` };
  if (kinds.length === 0) return { in: 'out', why: 'no Kubernetes object' };
  const unknown = kinds.filter((k) => !SUPPORTED.has(k));
  return unknown.length ? { in: 'out', why: `kind ${[...new Set(unknown)].join(', ')}` } : { in: 'scope' };
}

function kindsOf(text: string): string[] {
  try {
    return parseAllDocuments(text)
      .flatMap((d) => {
        const js = (Array.isArray(d) ? undefined : d.toJS()) as { kind?: unknown; items?: { kind?: unknown }[] } | null | undefined;
        if (!js) return [];
        if (typeof js.kind === 'string' && js.kind.endsWith('List') && Array.isArray(js.items)) return js.items.map((i) => i?.kind);
        return [js.kind];
      })
      .filter((k): k is string => typeof k === 'string');
  } catch {
    return [];
  }
}

async function yamlFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await fs.readdir(path.join(dir, rel), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await yamlFiles(dir, r)));
    else if (/\.ya?ml$/.test(e.name)) out.push(r);
  }
  return out;
}

interface Verdict {
  file: string;
  scope: Scope;
  /** Accepted on its own. */
  accepted: boolean;
  /** Accepted once the objects it names from elsewhere are supplied. */
  acceptedWithRefs: boolean;
  errors: string[];
}

/** berth's defaults; `--allow-all` is `--allow-privileged --allow-host-path /`, to see what the policy alone refuses. */
const POLICY = process.argv.includes('--allow-all') ? { allowHostPath: ['/'], allowPrivileged: true } : { allowHostPath: [], allowPrivileged: false };

/** Supply what the file references from elsewhere, up to three rounds (a key error follows an object error). */
async function withReferences(full: string, first: Problem[]): Promise<boolean> {
  const stubs = emptyStubs();
  let problems = first;
  for (let round = 0; round < 3; round++) {
    if (!learn(stubs, problems)) return false;
    const stubFile = path.join(path.dirname(full), `.stubs-${path.basename(full)}`);
    await fs.writeFile(stubFile, stubYaml(stubs));
    try {
      const v = await validatePaths([full, stubFile], POLICY);
      if (v.ok) return true;
      problems = v.problems;
    } finally {
      await fs.rm(stubFile, { force: true });
    }
  }
  return false;
}

async function judge(dir: string, rel: string): Promise<Verdict> {
  const full = path.join(dir, rel);
  const scope = scopeOf(rel, kindsOf(await fs.readFile(full, 'utf8')));
  if (scope.in === 'out') return { file: rel, scope, accepted: false, acceptedWithRefs: false, errors: [] };
  const v = await validatePaths([full], POLICY);
  if (v.ok) return { file: rel, scope, accepted: true, acceptedWithRefs: true, errors: [] };
  const errors = v.problems.filter((p) => p.severity === 'error').map((p) => formatProblem({ ...p, file: rel }));
  return { file: rel, scope, accepted: false, acceptedWithRefs: await withReferences(full, v.problems), errors };
}

function pct(n: number, of: number): string {
  return of === 0 ? 'n/a' : `${((100 * n) / of).toFixed(1)}%`;
}

function report(verdicts: readonly Verdict[], verbose: boolean): void {
  const inScope = verdicts.filter((v) => v.scope.in === 'scope');
  const out = verdicts.filter((v) => v.scope.in === 'out');
  const rejected = inScope.filter((v) => !v.acceptedWithRefs);
  for (const v of inScope) {
    if (v.acceptedWithRefs) {
      if (verbose) process.stdout.write(`accepted ${v.file}${v.accepted ? '' : ' (with its references)'}\n`);
      continue;
    }
    process.stdout.write(`rejected ${v.file} [${limitOf(v) ?? 'FALSE REJECTION'}]\n${v.errors.map((e) => `    ${e}`).join('\n')}\n`);
  }
  if (verbose) for (const v of out) if (v.scope.in === 'out') process.stdout.write(`out of scope ${v.file}: ${v.scope.why}\n`);
  const ok = inScope.filter((v) => v.accepted).length;
  const okRefs = inScope.length - rejected.length;
  const byLimit = (prefix: string) => rejected.filter((v) => limitOf(v)?.startsWith(prefix)).length;
  process.stdout.write(
    [
      '',
      `files: ${verdicts.length}; out of scope (other kinds, or not valid manifests): ${out.length} (${out.filter((v) => v.scope.in === 'out' && v.scope.why.startsWith('not a valid')).length} not valid)`,
      `supported kinds only: ${ok} of ${inScope.length} accepted on their own (${pct(ok, inScope.length)})`,
      `supported kinds only, with the objects they name from elsewhere: ${okRefs} of ${inScope.length} accepted (${pct(okRefs, inScope.length)})`,
      `  rejected for a limit of a Docker host: ${byLimit('limit:')}; by berth's default policy: ${byLimit('policy:')}; false rejections: ${rejected.filter((v) => !limitOf(v)).length}`,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  if (!dir) {
    process.stderr.write('usage: k8s-examples DIR [--verbose] [--allow-all]\n');
    process.exit(2);
  }
  const verdicts: Verdict[] = [];
  for (const rel of await yamlFiles(dir)) verdicts.push(await judge(dir, rel));
  report(verdicts, args.includes('--verbose'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
