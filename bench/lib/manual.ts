/**
 * Deploying a new version "the Docker way", for comparison with berth: one container on a
 * published port, replaced by stopping the old one and starting the new one on the same
 * port (`docker stop` + `docker run -p`, or podman's same commands), or by `docker compose
 * up -d` of an edited compose file (which does the same: stop, remove, create, start).
 * Every container carries io.berth.instance=<instance>; `cleanup` removes them all.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABEL } from '../../src/runtime/types';
import { BENCH_IMAGE } from './image';
import { APP_PORT } from './webApp';

/** One way of putting a version on `127.0.0.1:<port>` by hand. */
export interface ManualDeployer {
  readonly name: string;
  /** The 127.0.0.1 port it publishes the app on. */
  readonly port: number;
  /** Makes the image available to the tool (podman has its own image store). */
  prepare(): Promise<void>;
  /** Replaces whatever runs with `script` (an `sh -c` command); resolves when the tool returns. */
  deploy(script: string): Promise<void>;
  /** true once the current container has exited (a crashing version). */
  exited(): Promise<boolean>;
  /** Removes everything it created; returns what could not be removed. */
  cleanup(): Promise<string[]>;
}

export function run(cmd: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd[0], cmd.slice(1), { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd.slice(0, 3).join(' ')} failed: ${(stderr || err.message).trim()}`)) : resolve(stdout),
    );
  });
}

async function works(cmd: string[]): Promise<boolean> {
  return run(cmd, 10_000).then(
    () => true,
    () => false,
  );
}

export interface Tools {
  /** `docker compose` (plugin) or `docker-compose`, when one answers `version`. */
  compose?: string[];
  podman: boolean;
}

export async function detectTools(): Promise<Tools> {
  const compose = (await works(['docker', 'compose', 'version']))
    ? ['docker', 'compose']
    : (await works(['docker-compose', 'version']))
      ? ['docker-compose']
      : undefined;
  return { ...(compose ? { compose } : {}), podman: await works(['podman', 'version']) };
}

/** `<bin> stop` the old container, `<bin> run -d -p` the new one, `<bin> rm` the old one. */
export class CliDeployer implements ManualDeployer {
  readonly name: string;
  private current?: string;
  private n = 0;
  private loadedImage = false;

  constructor(
    private readonly bin: 'docker' | 'podman',
    private readonly instance: string,
    readonly port: number,
  ) {
    this.name = `${bin} stop + ${bin} run -p`;
  }

  async prepare(): Promise<void> {
    if (this.bin === 'docker' || (await works(['podman', 'image', 'exists', BENCH_IMAGE]))) return;
    await run(['sh', '-c', `docker save ${BENCH_IMAGE} | podman load`]);
    this.loadedImage = true;
  }

  async deploy(script: string): Promise<void> {
    const old = this.current;
    const name = `${this.instance}-web-${++this.n}`;
    if (old) await run([this.bin, 'stop', old]);
    await run([
      this.bin,
      'run',
      '-d',
      '--name',
      name,
      '--label',
      `${LABEL.instance}=${this.instance}`,
      '-p',
      `127.0.0.1:${this.port}:${APP_PORT}`,
      BENCH_IMAGE,
      'sh',
      '-c',
      script,
    ]);
    this.current = name;
    if (old) await run([this.bin, 'rm', old]);
  }

  async exited(): Promise<boolean> {
    return this.current !== undefined && (await run([this.bin, 'inspect', '-f', '{{.State.Status}}', this.current])).trim() === 'exited';
  }

  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    const ids = (await run([this.bin, 'ps', '-aq', '--filter', `label=${LABEL.instance}=${this.instance}`])).split('\n').filter(Boolean);
    if (ids.length) await run([this.bin, 'rm', '-f', ...ids]).catch((err: Error) => problems.push(err.message));
    if (this.loadedImage) await run(['podman', 'rmi', BENCH_IMAGE]).catch((err: Error) => problems.push(err.message));
    return problems;
  }
}

/** `compose up -d` of a one-service compose file, rewritten for each version. */
export class ComposeDeployer implements ManualDeployer {
  readonly name: string;
  private dir?: string;

  constructor(
    private readonly compose: string[],
    private readonly instance: string,
    readonly port: number,
  ) {
    this.name = `${compose.join(' ')} up -d`;
  }

  async prepare(): Promise<void> {
    // compose runs on the Docker engine, which has the image.
  }

  private container(): string {
    return `${this.instance}-web`;
  }

  private file(script: string): string {
    return [
      'services:',
      '  web:',
      `    image: ${BENCH_IMAGE}`,
      `    container_name: ${this.container()}`,
      `    command: ${JSON.stringify(['sh', '-c', script])}`,
      `    ports: ["127.0.0.1:${this.port}:${APP_PORT}"]`,
      `    labels: { ${JSON.stringify(LABEL.instance)}: ${JSON.stringify(this.instance)} }`,
      '',
    ].join('\n');
  }

  private args(): string[] {
    return [...this.compose, '-p', this.instance, '-f', join(this.dir!, 'compose.yaml')];
  }

  async deploy(script: string): Promise<void> {
    this.dir ??= await mkdtemp(join(tmpdir(), 'berth-bench-compose-'));
    await writeFile(join(this.dir, 'compose.yaml'), this.file(script));
    await run([...this.args(), 'up', '-d']);
  }

  async exited(): Promise<boolean> {
    return (await run(['docker', 'inspect', '-f', '{{.State.Status}}', this.container()])).trim() === 'exited';
  }

  async cleanup(): Promise<string[]> {
    if (!this.dir) return [];
    const problems: string[] = [];
    await run([...this.args(), 'down', '-v', '--remove-orphans']).catch((err: Error) => problems.push(err.message));
    await rm(this.dir, { recursive: true, force: true });
    return problems;
  }
}
