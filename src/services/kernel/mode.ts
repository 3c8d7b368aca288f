/**
 * `--proxy-mode auto|kernel|userspace`: who forwards Service traffic, for host ports
 * (NodePort/LoadBalancer) and for ClusterIP Services' anchors. `kernel` (nftables) needs
 * root, `nft`, and the engine on this host (pod IPs routed through its bridges).
 *
 * Host ports have one more condition. A connection from another machine (or from a
 * container) to a host port is DNAT'd in prerouting and then *forwarded* to the bridge,
 * through Docker's FORWARD chain, whose policy is usually DROP with no accept for berth's
 * ports; an accept in berth's own table cannot overrule a drop in Docker's, and berth does
 * not touch Docker's chains. So `auto` takes kernel forwarding for host ports only when no
 * forward hook drops by policy, and for anchors (traffic within a bridge, which Docker
 * accepts) whenever nft works. `kernel` takes it for both, and says what it costs.
 */
import { BerthError } from '../../util';
import { HOST, nftWorks, run } from './nft';

export const PROXY_MODES = ['auto', 'kernel', 'userspace'] as const;
export type ProxyModeOption = (typeof PROXY_MODES)[number];
export type ProxyMode = 'kernel' | 'userspace';

/** The mode of each kind of target; notes say why a target is not in the kernel, warnings what a forced kernel mode costs. */
export interface ForwardingModes {
  host: ProxyMode;
  anchors: ProxyMode;
  notes: string[];
  warnings?: string[];
}

export const USERSPACE: ForwardingModes = { host: 'userspace', anchors: 'userspace', notes: [] };

export type KernelSupport = { ok: true } | { ok: false; why: string };

export function parseProxyMode(text: string): ProxyModeOption {
  if ((PROXY_MODES as readonly string[]).includes(text)) return text as ProxyModeOption;
  throw new BerthError('E_USAGE', `--proxy-mode: "${text}" is not one of ${PROXY_MODES.join(', ')}`);
}

const FORWARD_DROPS = "the host drops forwarded packets by policy (Docker's FORWARD chain)";

/** Pure: the modes an option resolves to, given what this host supports. */
export function chooseProxyModes(option: ProxyModeOption, support: KernelSupport, forwardDrops: boolean): ForwardingModes {
  if (option === 'userspace') return USERSPACE;
  if (!support.ok) {
    if (option === 'kernel')
      throw new BerthError(
        'E_USAGE',
        `--proxy-mode kernel: nftables forwarding is not available here: ${support.why}`,
        'run berth as root on the engine host with nft installed, or use --proxy-mode userspace',
      );
    return { ...USERSPACE, notes: [`userspace proxy: ${support.why}`] };
  }
  if (!forwardDrops) return { host: 'kernel', anchors: 'kernel', notes: [] };
  if (option === 'kernel')
    return {
      host: 'kernel',
      anchors: 'kernel',
      notes: [],
      warnings: [`host ports in the kernel: ${FORWARD_DROPS}, so only this host reaches them (at 127.0.0.1 or its own addresses)`],
    };
  return {
    host: 'userspace',
    anchors: 'kernel',
    notes: [
      `host ports through the userspace proxy: ${FORWARD_DROPS}, which would drop other machines' connections; --proxy-mode kernel forwards them in the kernel for this host's own clients`,
    ],
  };
}

/** Pure: whether a ruleset (`nft list ruleset`) or `iptables -S FORWARD` drops forwarded packets by policy. */
export function dropsForwarded(nftRuleset: string, iptablesForward: string): boolean {
  return /hook forward priority [^;]*; policy drop;/.test(nftRuleset) || /^-P FORWARD DROP/m.test(iptablesForward);
}

export async function kernelSupport(env: NodeJS.ProcessEnv = process.env): Promise<KernelSupport> {
  if (process.getuid?.() !== 0) return { ok: false, why: 'berth is not root' };
  if (env.DOCKER_HOST && !env.DOCKER_HOST.startsWith('unix://')) return { ok: false, why: `the engine is remote (DOCKER_HOST=${env.DOCKER_HOST})` };
  return nftWorks();
}

export async function resolveProxyModes(option: ProxyModeOption, env: NodeJS.ProcessEnv = process.env): Promise<ForwardingModes> {
  if (option === 'userspace') return USERSPACE;
  const support = await kernelSupport(env);
  if (!support.ok) return chooseProxyModes(option, support, false);
  const [ruleset, ipt] = await Promise.all([run(['nft', 'list', 'ruleset'], HOST), run(['iptables', '-S', 'FORWARD'], HOST)]);
  return chooseProxyModes(option, support, dropsForwarded(ruleset.stdout, ipt.stdout));
}
