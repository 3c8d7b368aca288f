/**
 * Carrying out planned actions on the engine, in the order given. Each action is
 * idempotent (a network that exists, a container already gone, files already written are
 * fine), so a pass interrupted at any point is finished by the next one.
 */
import { mkdir, rename, rm, writeFile, chmod } from 'node:fs/promises';
import * as path from 'node:path';
import type { Action, CreatePodAction, RemovePodAction } from '../plan';
import { LABEL, type ContainerCreateSpec, type Labels, type Runtime } from '../runtime';
import { isBerthError, BerthError, messageOf } from '../util';
import type { ImageEnsurer } from './images';
import { pathExists } from '../util';
import { judgeImageUser } from '../plan';
import { assertSecretTarget } from '../secrets';

export interface ExecuteDeps {
  runtime: Runtime;
  images: ImageEnsurer;
  /** Called before each action starts; must not print secret values (actions are redacted by the renderer). */
  onAction?: (a: Action) => void;
}

export async function executeAction(deps: ExecuteDeps, a: Action): Promise<void> {
  deps.onAction?.(a);
  const rt = deps.runtime;
  try {
    switch (a.type) {
      case 'create-network':
        return await createNetwork(rt, a.name, a.labels);
      case 'remove-network':
        return await rt.removeNetwork(a.name);
      case 'create-volume':
        return await rt.createVolume(a.name, a.labels);
      case 'remove-volume':
        return await rt.removeVolume(a.name);
      case 'write-files':
        return await writeFiles(a.dir, a.files, a.secret);
      case 'create-pod':
        return await createPod(deps, a);
      case 'remove-pod':
        return await removePod(rt, a);
      case 'start-pod':
        for (const id of a.containerIds) await rt.startContainer(id);
        return;
      case 'set-aliases':
        await ignore('E_NOT_FOUND', rt.disconnectNetwork(a.network, a.container));
        return await rt.connectNetwork(a.network, a.container, a.aliases);
    }
  } catch (err) {
    if (err instanceof BerthError) throw new BerthError(err.code, `${describeTarget(a)}: ${err.message}`, err.hint, { cause: err });
    throw new Error(`${describeTarget(a)}: ${messageOf(err)}`, { cause: err });
  }
}

/** A network of that name made by someone else (not labelled for this instance) is a clear error, not "exists". */
async function createNetwork(rt: Runtime, name: string, labels: Labels): Promise<void> {
  try {
    await rt.createNetwork(name, labels);
  } catch (err) {
    if (!isBerthError(err, 'E_CONFLICT')) throw err;
    const existing = (await rt.listNetworks({})).find((n) => n.name === name);
    if (existing && existing.labels[LABEL.instance] !== labels[LABEL.instance]) {
      throw new BerthError(
        'E_CONFLICT',
        `a network named ${name} exists and was not made by this berth instance`,
        `remove it (docker network rm ${name}) or use another --instance`,
      );
    }
  }
}

async function createPod(deps: ExecuteDeps, a: CreatePodAction): Promise<void> {
  const rt = deps.runtime;
  for (const spec of [...(a.infra ? [a.infra] : []), ...(a.init ?? []), ...a.containers]) await deps.images.ensure(spec.image);
  // Checked before anything of the pod exists: a refused pod is not started at all.
  const init = await Promise.all((a.init ?? []).map((s) => withImageUser(rt, s)));
  const apps = await Promise.all(a.containers.map((s) => withImageUser(rt, s)));
  for (const v of a.volumes) await rt.createVolume(v.name, v.labels);
  if (a.infra) await rt.startContainer(await createReplacingLeftover(rt, a.infra));
  if (init.length > 0) return createWithInit(rt, init, apps);
  for (const spec of apps) await createAndStart(rt, spec);
}

/** runAsNonRoot and runAsGroup alone depend on the image's USER (plan/security.ts): refused (E_INVALID) or completed here. */
async function withImageUser(rt: Runtime, spec: ContainerCreateSpec): Promise<ContainerCreateSpec> {
  if (!spec.imageUserCheck) return spec;
  const verdict = judgeImageUser(spec, spec.imageUserCheck, await rt.imageUser(spec.image));
  const name = spec.labels[LABEL.container] ?? spec.name;
  if (!verdict.ok) throw new BerthError('E_INVALID', `container ${name} is not started: ${verdict.reason}`);
  return verdict.user === undefined ? spec : { ...spec, user: verdict.user };
}

async function createAndStart(rt: Runtime, spec: ContainerCreateSpec): Promise<void> {
  const id = await createReplacingLeftover(rt, spec);
  try {
    await rt.startContainer(id);
  } catch (err) {
    // Leave nothing half-started behind a clear error (a host port in use, a bad mount).
    await rt.removeContainer(id);
    throw err;
  }
}

/**
 * Every container is created now (the pod is whole on the engine), but only the sidecars
 * before the first regular init container and that one are started; the step does not wait
 * for it. Its exit (an engine event) wakes the next pass, which starts what follows
 * (initSteps.ts via the planner's start-pod), the app containers last.
 */
async function createWithInit(rt: Runtime, init: ContainerCreateSpec[], apps: ContainerCreateSpec[]): Promise<void> {
  const ids = new Map<ContainerCreateSpec, string>();
  for (const spec of [...init, ...apps]) ids.set(spec, await createReplacingLeftover(rt, spec));
  for (const spec of init) {
    await rt.startContainer(ids.get(spec) as string);
    if (spec.labels[LABEL.init] !== 'sidecar') return;
  }
  for (const spec of apps) await rt.startContainer(ids.get(spec) as string);
}

/**
 * A leftover of an interrupted pass may hold the name: it is ours (same labels), replace it.
 * Asked only when the name is taken, so a creation costs one engine call, not two.
 */
async function createReplacingLeftover(rt: Runtime, spec: ContainerCreateSpec): Promise<string> {
  try {
    return await rt.createContainer(spec);
  } catch (err) {
    if (!isBerthError(err, 'E_CONFLICT')) throw err;
    await rt.removeContainer(spec.name);
    return rt.createContainer(spec);
  }
}

async function removePod(rt: Runtime, a: RemovePodAction): Promise<void> {
  const [infra, apps] = splitInfra(a.containerIds);
  await Promise.all(apps.map((id) => rt.stopContainer(id, a.graceSeconds)));
  for (const id of [...apps, ...infra]) await rt.removeContainer(id);
  for (const v of a.volumes) await rt.removeVolume(v);
}

/** The plan lists app containers first and the infra container last. */
function splitInfra(ids: string[]): [string[], string[]] {
  return ids.length > 1 ? [ids.slice(-1), ids.slice(0, -1)] : [[], ids];
}

/** Content-addressed directory: written to a temp dir and renamed, so it is complete or absent. */
async function writeFiles(dir: string, files: { path: string; contentBase64: string; mode: number }[], secret: boolean): Promise<void> {
  if (await pathExists(dir)) return;
  if (secret) await assertSecretTarget(dir);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  // Parents of Secret files are private too (the pod's directory, the instance's).
  await mkdir(path.dirname(dir), { recursive: true, mode: secret ? 0o700 : 0o755 });
  await mkdir(tmp, { mode: secret ? 0o700 : 0o755 });
  for (const f of files) {
    const target = path.join(tmp, f.path);
    if (!target.startsWith(tmp + path.sep)) throw new BerthError('E_IO', `file path "${f.path}" leaves its volume`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, Buffer.from(f.contentBase64, 'base64'), { mode: f.mode });
    await chmod(target, f.mode); // writeFile's mode is filtered by the umask
  }
  await rename(tmp, dir);
}

async function ignore(code: 'E_CONFLICT' | 'E_NOT_FOUND', p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isBerthError(err, code)) throw err;
  }
}

function describeTarget(a: Action): string {
  switch (a.type) {
    case 'create-network':
    case 'remove-network':
      return `network ${a.name}`;
    case 'create-volume':
    case 'remove-volume':
      return `volume ${a.name}`;
    case 'write-files':
      return a.key;
    default:
      return `pod ${a.namespace}/${a.pod} (${a.key})`;
  }
}
