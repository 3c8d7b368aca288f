#!/usr/bin/env node
/**
 * `npm start`: berth on a fresh local git repo seeded from repo-template/, against the local
 * Docker engine. Everything lives under `.berth/quickstart/` of the current directory
 * (repo/ and state/), instance `quickstart`; run it again and it picks up where it stopped.
 */
import * as path from 'node:path';
import { buildProgram } from './main';
import { createDockerRuntime } from '../runtime';
import { validateDirectory } from '../validate';
import { pullPolicies } from '../rollout';
import { seedRepository } from '../quickstart';
import { ensurePauseImage, ensureQuickstartImage } from '../quickstart';
import { DEFAULT_PAUSE_IMAGE } from '../plan';
import { describeError, exitCodeFor } from './exit';

/** BERTH_INSTANCE / BERTH_LISTEN override the defaults (tests run the quick start under their own instance). */
const INSTANCE = process.env.BERTH_INSTANCE ?? 'quickstart';
const LISTEN = process.env.BERTH_LISTEN ?? '127.0.0.1:7070';

async function main(): Promise<void> {
  const base = path.resolve('.berth', 'quickstart');
  const repo = path.join(base, 'repo');
  const stateDir = path.join(base, 'state');
  const template = path.resolve(__dirname, '../../../repo-template');
  const seeded = await seedRepository(template, repo);
  say(seeded === 'created' ? `seeded a git repository from repo-template/ at ${repo}` : `following the existing quick-start repository ${repo}`);

  const runtime = createDockerRuntime();
  await runtime.ping();
  const v = await validateDirectory(repo, { allowHostPath: [], allowPrivileged: false });
  if (v.ok) {
    for (const image of pullPolicies(v.desired).keys()) {
      const got = await ensureQuickstartImage(runtime, image);
      if (got.how === 'pulled') say(`pulled ${image}`);
      if (got.how === 'stand-in') {
        say(`could not pull ${image} (${got.pullError})`);
        say(`  -> built a local stand-in for ${image} from this host's busybox-static; \`docker rmi ${image}\` removes it (see repo-template/README.md)`);
      }
    }
  }

  const pause = await ensurePauseImage(runtime, DEFAULT_PAUSE_IMAGE);
  if (pause.pullError)
    say(`could not pull ${DEFAULT_PAUSE_IMAGE} (the infra image of Service anchors and multi-container pods); using a local stand-in, ${pause.image}`);

  say('');
  say(`dashboard and API:  http://${LISTEN}/   (status: curl http://${LISTEN}/api/v1/status)`);
  say(`change what runs:   cd ${repo} && sed -i 's/Hello from berth/Hello again/' web/configmap.yaml && git commit -am 'web: new greeting'`);
  say(`the web service:    curl http://127.0.0.1:30080/   (NodePort of web/service.yaml)`);
  say(`what happened:      node ${path.relative(process.cwd(), path.join(__dirname, 'main.js'))} history --instance ${INSTANCE} --state-dir ${stateDir}`);
  say('stop with Ctrl-C (the apps keep running; `berth delete` removes them)');
  say('');
  const argv = [
    'run',
    '--repo',
    repo,
    '--instance',
    INSTANCE,
    '--state-dir',
    stateDir,
    '--listen',
    LISTEN,
    '--poll',
    '*/5 * * * * *',
    '--pause-image',
    pause.image,
  ];
  if (pause.command) argv.push('--pause-command', pause.command);
  buildProgram().parse(['node', 'berth', ...argv]);
}

function say(line: string): void {
  process.stderr.write(`[quickstart] ${line}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(describeError(err) + '\n');
  process.exitCode = exitCodeFor(err);
});
