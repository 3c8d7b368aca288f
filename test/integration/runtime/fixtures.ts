/** Shared pieces of the runtime integration tests. */
import { freePort as freePortOn } from '../../../src/util/freePort';

export { busybox } from '../../helpers/containerSpec';

/** A process that stops at once on SIGTERM (sleep as PID 1 would ignore it). */
export const IDLE = ['sh', '-c', "trap 'exit 0' TERM; sleep 600 & wait"];

/** A TCP port nobody listens on right now (on all addresses: tests publish on 0.0.0.0). */
export const freePort = (): Promise<number> => freePortOn('0.0.0.0');
