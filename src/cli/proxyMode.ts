/** `--proxy-mode`, shared by the commands that publish Service endpoints (run, apply, rollout undo). */
import { Option } from 'commander';
import { PROXY_MODES } from '../services';

export function proxyModeOption(): Option {
  return new Option(
    '--proxy-mode <mode>',
    'who forwards Service traffic: nftables rules (kernel), the userspace proxy, or kernel when root and nft works (auto)',
  )
    .choices(PROXY_MODES)
    .env('BERTH_PROXY_MODE')
    .default('auto');
}
