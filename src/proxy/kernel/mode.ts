/**
 * `--proxy-mode auto|kernel|userspace`: who forwards Service traffic. `kernel` (nftables)
 * needs root, `nft`, and the engine on this host (pod IPs routed through its bridges);
 * `auto` takes it when all are there, else the userspace proxy, as before.
 */
import { BerthError } from '../../util/errors';
import { nftWorks } from './nft';

export const PROXY_MODES = ['auto', 'kernel', 'userspace'] as const;
export type ProxyModeOption = (typeof PROXY_MODES)[number];
export type ProxyMode = 'kernel' | 'userspace';

export type KernelSupport = { ok: true } | { ok: false; why: string };

export function parseProxyMode(text: string): ProxyModeOption {
  if ((PROXY_MODES as readonly string[]).includes(text)) return text as ProxyModeOption;
  throw new BerthError('E_USAGE', `--proxy-mode: "${text}" is not one of ${PROXY_MODES.join(', ')}`);
}

/** Pure: the mode an option resolves to, given what this host supports. */
export function chooseProxyMode(option: ProxyModeOption, support: KernelSupport): ProxyMode {
  if (option === 'userspace') return 'userspace';
  if (support.ok) return 'kernel';
  if (option === 'kernel') throw new BerthError('E_USAGE', `--proxy-mode kernel: nftables forwarding is not available here: ${support.why}`, 'run berth as root on the engine host with nft installed, or use --proxy-mode userspace');
  return 'userspace';
}

export async function kernelSupport(env: NodeJS.ProcessEnv = process.env): Promise<KernelSupport> {
  if (process.getuid?.() !== 0) return { ok: false, why: 'berth is not root' };
  if (env.DOCKER_HOST && !env.DOCKER_HOST.startsWith('unix://')) return { ok: false, why: `the engine is remote (DOCKER_HOST=${env.DOCKER_HOST})` };
  return nftWorks();
}

export async function resolveProxyMode(option: ProxyModeOption, env: NodeJS.ProcessEnv = process.env): Promise<ProxyMode> {
  return chooseProxyMode(option, option === 'userspace' ? { ok: false, why: 'not asked' } : await kernelSupport(env));
}
