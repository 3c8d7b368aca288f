/**
 * The engine applier as the one-shot commands (`apply`, `rollout undo`) wire it: Service
 * endpoints and anchors like the operator (the proxies outlive the command, like the apps),
 * and progress printed on the terminal as it happens.
 */
import { EngineApplier } from '../rollout';
import { summarizeAction } from '../rollout';
import type { HeldStep } from '../rollout';
import type { WorkloadHealth } from '../health';
import type { Runtime } from '../runtime';
import { EndpointPublisher } from '../services';
import { serviceAnchorsAvailable } from '../services';
import type { PauseOptions } from './engine';
import type { EngineOptions } from './options';
import type { ForwardingModes } from '../services';

export interface TerminalApplierOptions extends PauseOptions {
  lbAddress: string;
  ingressPorts?: { http: number; https: number };
  proxyModes: ForwardingModes;
  prune: boolean;
}

export function terminalApplier(runtime: Runtime, eng: EngineOptions, opts: TerminalApplierOptions): { applier: EngineApplier; serviceAnchors: boolean } {
  const serviceAnchors = serviceAnchorsAvailable();
  for (const w of opts.proxyModes.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  const publisher = new EndpointPublisher(runtime, {
    instance: eng.instance,
    stateDir: eng.stateDir,
    lbAddress: opts.lbAddress,
    ingressPorts: opts.ingressPorts,
    serviceAnchors,
    modes: opts.proxyModes,
    log: (m, f) => process.stderr.write(`warning: ${m}${f ? ` ${JSON.stringify(f)}` : ''}\n`),
  });
  const applier = new EngineApplier(runtime, {
    ...publisher.hooks(),
    serviceAnchors,
    instance: eng.instance,
    stateDir: eng.stateDir,
    secretsDir: eng.secretsDir,
    pauseImage: opts.pauseImage,
    pauseCommand: opts.pauseCommand,
    prune: opts.prune,
    // A person is waiting at the terminal: look a little more often than the operator does.
    pollMs: 250,
    log: () => {},
    onAction: (a) => process.stdout.write(`  ${summarizeAction(a)}\n`),
    onHealth: healthPrinter(),
    onWait: waitPrinter(),
    onPull: pullPrinter(),
  });
  return { applier, serviceAnchors };
}

/** Prints a workload's health line when it changes, so a terminal shows progress as it happens. */
function healthPrinter(): (h: WorkloadHealth[]) => void {
  const last = new Map<string, string>();
  return (health) => {
    for (const h of health) {
      const line = `${h.kind} ${h.namespace}/${h.name}: ${h.health}: ${h.message}`;
      if (last.get(h.key) !== line) process.stdout.write(`  ${line}\n`);
      last.set(h.key, line);
    }
  };
}

/** Prints why a rollout step waits, when that changes. */
function waitPrinter(): (held: HeldStep[]) => void {
  const last = new Map<string, string>();
  return (held) => {
    for (const h of held) if (last.get(h.key) !== h.reason) process.stdout.write(`  ${h.key}: waiting: ${h.reason}\n`);
    last.clear();
    for (const h of held) last.set(h.key, h.reason);
  };
}

function pullPrinter(): (image: string, p: { status: string; id?: string }) => void {
  const seen = new Set<string>();
  return (image, p) => {
    const line = `pull ${image}: ${p.status}${p.id ? ` ${p.id}` : ''}`;
    if (/Pulling from|Download complete|Pull complete|Status:/.test(p.status) && !seen.has(line)) {
      seen.add(line);
      process.stdout.write(`  ${line}\n`);
    }
  };
}
