/**
 * How many real manifests berth accepts: every `*.yaml` under a directory (the examples of
 * the Kubernetes documentation, kubernetes/website content/en/examples, fetched by hand; they
 * are not part of this repository) is validated ON ITS OWN, as `berth validate FILE` would.
 *
 * A file is in scope when all its kinds are ones berth runs or accepts without effect; files
 * that also hold a kind other branches are adding (Job, CronJob, DaemonSet, Ingress) are
 * counted apart; the rest (CRDs, admission policies, ReplicaSets, ...) are out of scope.
 * A file rejected only for naming an object it does not define (a ConfigMap the docs create
 * with kubectl, the Service in the next file) is judged a second time with the smallest
 * such objects supplied (stubs.ts): "accepted with its references".
 *
 *   node dist/bench/fidelity/k8s-examples.js DIR [--verbose] [--allow-all]
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DOCKER_DEFAULT_CAPABILITIES } from '../../src/model/policy';
import { KINDS } from '../../src/model/types';
import { INERT_KIND_NAMES } from '../../src/schema/inert';
import { validatePaths } from '../../src/validate';
import { formatProblem, type Problem } from '../../src/util/problems';
import { emptyStubs, learn, stubYaml } from './stubs';

/** Kinds that other branches of issue 11 add: a file holding one is reported apart. */
const PENDING: Record<string, string> = { Job: 'jobs', CronJob: 'jobs', DaemonSet: 'ingress', Ingress: 'ingress' };

/**
 * Files that Kubernetes itself rejects or that the docs show as a deliberate failure, with
 * why: they are not valid manifests, so they are left out of the figure.
 */
const NOT_VALID: Record<string, string> = {
  // the stored copy of this file predates the docs' move to batch/v1
  'application/job/cronjob.yaml': 'CronJob at batch/v1beta1, removed in Kubernetes 1.25',
  // the stored copy has preference/weight items under the *required* rule (needs nodeSelectorTerms)
  'pods/pod-with-node-affinity.yaml': 'requiredDuringSchedulingIgnoredDuringExecution is not a list of nodeSelectorTerms',
  // a placeholder the reader replaces; berth refuses it (image.invalid), kubelet would fail with InvalidImageName
  'pods/private-reg-pod.yaml': 'image <your-private-image> is a placeholder',
  // the stored copy lacks apiVersion (kubectl refuses it: "apiVersion not set")
  'pods/inject/pod-single-secret-env-variable.yaml': 'no apiVersion',
  // the stored copy indents a second `env:` with a tab: not YAML
  'pods/inject/pod-multiple-secret-env-variable.yaml': 'a tab in the indentation (not YAML)',
};

/** Rejections the pod-spec branch of issue 11 addresses (helper `pods`), by the sentence berth says. */
const POD_FEATURES = /grpc probes|resourceFieldRef|downwardAPI|projected|serviceAccountToken|restartPolicy/;

function capabilityOwner(e: string): string | undefined {
  const m = /capabilities\.add \[([^\]]*)\]/.exec(e);
  if (!m) return undefined;
  const caps = m[1].split(',').map((c) => c.trim().replace(/^CAP_/, ''));
  return caps.every((c) => DOCKER_DEFAULT_CAPABILITIES.has(c)) ? 'pods' : "kept: a capability beyond Docker's defaults needs --allow-privileged";
}

/** Which branch of issue 11 a rejection belongs to, when another branch is adding what it lacks. */
function ownerOf(v: Verdict): string | undefined {
  if (v.scope.in === 'pending') return v.scope.helper;
  if (v.errors.some((e) => POD_FEATURES.test(e))) return 'pods';
  const cap = v.errors.map(capabilityOwner).find((o) => o !== undefined);
  if (cap) return cap;
  return v.errors.some((e) => /hostPath ".*" is not allowed/.test(e)) ? 'kept: a hostPath needs --allow-host-path' : undefined;
}

const SUPPORTED = new Set<string>([...KINDS, ...INERT_KIND_NAMES]);

type Scope = { in: 'scope' } | { in: 'pending'; helper: string } | { in: 'out'; why: string };

function scopeOf(rel: string, kinds: readonly string[]): Scope {
  if (NOT_VALID[rel]) return { in: 'out', why: `not a valid manifest: ${NOT_VALID[rel]}` };
  if (kinds.length === 0) return { in: 'out', why: 'no Kubernetes object' };
  const unknown = kinds.filter((k) => !SUPPORTED.has(k) && !PENDING[k]);
  // (PENDING names kinds of other branches; once merged into KINDS they count as supported)
  if (unknown.length) return { in: 'out', why: `kind ${[...new Set(unknown)].join(', ')}` };
  const pending = kinds.find((k) => PENDING[k] && !SUPPORTED.has(k)); // a kind merged since is plain in scope
  return pending ? { in: 'pending', helper: PENDING[pending] } : { in: 'scope' };
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
  const pending = verdicts.filter((v) => v.scope.in === 'pending');
  const out = verdicts.filter((v) => v.scope.in === 'out');
  for (const v of [...inScope, ...pending]) {
    const owner = ownerOf(v);
    const tag = (owner ? ` [${owner}]` : '') + (!v.accepted && v.acceptedWithRefs ? ' (accepted with its references)' : '');
    if (v.accepted) {
      if (verbose) process.stdout.write(`accepted ${v.file}${tag}\n`);
      continue;
    }
    process.stdout.write(`rejected ${v.file}${tag}\n${v.errors.map((e) => `    ${e}`).join('\n')}\n`);
  }
  if (verbose) for (const v of out) if (v.scope.in === 'out') process.stdout.write(`out of scope ${v.file}: ${v.scope.why}\n`);
  const ok = inScope.filter((v) => v.accepted).length;
  const okRefs = inScope.filter((v) => v.acceptedWithRefs).length;
  const pok = pending.filter((v) => v.accepted).length;
  const all = inScope.length + pending.length;
  process.stdout.write(
    [
      '',
      `files: ${verdicts.length}; out of scope (other kinds or not manifests): ${out.length}`,
      `supported kinds only: ${ok} of ${inScope.length} accepted on their own (${pct(ok, inScope.length)})`,
      `supported kinds only, with the objects they name from elsewhere: ${okRefs} of ${inScope.length} accepted (${pct(okRefs, inScope.length)})`,
      `  of the rejected, for features the pods branch adds: ${inScope.filter((v) => !v.acceptedWithRefs && ownerOf(v) === 'pods').length}`,
      `with Job/CronJob/DaemonSet/Ingress (other branches): ${pok} of ${pending.length} accepted today`,
      `both together: ${ok + pok} of ${all} (${pct(ok + pok, all)})`,
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
