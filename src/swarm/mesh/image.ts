/**
 * The mesh image, made on the spot from what this host has (no registry needed): the node
 * binary berth runs on, the shared libraries `ldd` names for it, and the bundled mesh proxy
 * (dist/mesh/mesh.js, scripts/build-mesh.js), on an empty base (`FROM scratch`). Its tag
 * carries a hash of the proxy and the node version, so a new berth gives a new tag and the
 * swarm replaces the mesh tasks. On a real swarm, push it to a registry the nodes pull from
 * (or `docker save | docker load` it on each node) and pass the tag with --swarm-mesh.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { SwarmClient } from '../../runtime';
import { BerthError, messageOf } from '../../util';

const run = promisify(execFile);

/** dist/mesh/mesh.js, next to dist/src/ (this file is dist/src/swarm/mesh/image.js). */
export const MESH_BUNDLE = join(__dirname, '..', '..', '..', 'mesh', 'mesh.js');

/** `berth-local/mesh:<hash>`: the same proxy and node binary, the same tag. */
export async function meshImageTag(bundle = MESH_BUNDLE): Promise<string> {
  const code = await readBundle(bundle);
  return `berth-local/mesh:${createHash('sha256').update(process.version).update('\0').update(code).digest('hex').slice(0, 12)}`;
}

/** The libraries a dynamic binary loads, from `ldd` output (pure): absolute paths, the loader included. */
export function lddLibraries(output: string): string[] {
  const libs = new Set<string>();
  for (const line of output.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.add(m[1]);
  }
  return [...libs].sort();
}

/** Writes the build context under `dir`; returns the files it holds, relative to it. */
export async function meshImageContext(dir: string, bundle = MESH_BUNDLE, node = process.execPath): Promise<string[]> {
  await rm(dir, { recursive: true, force: true });
  const { stdout } = await run('ldd', [node]).catch((err: unknown) => {
    throw new BerthError(
      'E_IO',
      `cannot list the libraries of ${node} (ldd): ${messageOf(err)}`,
      'the mesh image is made from the node binary and its libraries',
    );
  });
  const files = new Map<string, string>([
    ['/usr/bin/node', node],
    ['/berth/mesh.js', bundle],
  ]);
  for (const lib of lddLibraries(stdout)) files.set(lib, lib);
  const rel: string[] = ['Dockerfile'];
  for (const [inImage, from] of files) {
    const to = join(dir, 'rootfs', inImage);
    await mkdir(dirname(to), { recursive: true });
    await copyFile(from, to); // follows symlinks: the image gets the files themselves
    rel.push(join('rootfs', inImage));
  }
  // Docker provides /etc/resolv.conf (127.0.0.11 on an overlay), /etc/hosts and /tmp's absence is fine.
  await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\nENTRYPOINT ["/usr/bin/node", "/berth/mesh.js"]\n');
  return rel;
}

/** Builds the mesh image on one engine (a node, or where it is pushed from); returns its tag. */
export async function buildMeshImage(engine: SwarmClient, workDir: string): Promise<string> {
  const tag = await meshImageTag();
  if (await engine.hasImage(tag)) return tag;
  const dir = join(workDir, 'mesh-image');
  const files = await meshImageContext(dir);
  try {
    await engine.buildImage(dir, files, tag);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return tag;
}

async function readBundle(bundle: string): Promise<Buffer> {
  return readFile(bundle).catch((err: unknown) => {
    throw new BerthError('E_IO', `cannot read the mesh proxy ${bundle}: ${messageOf(err)}`, 'npm run build makes it (scripts/build-mesh.js)');
  });
}
