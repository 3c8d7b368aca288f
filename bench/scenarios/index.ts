/** Every benchmark scenario, in the order `npm run bench` runs them. Add new ones here. */
import type { Scenario } from '../lib/scenario';
import { proxyThroughput } from './proxyThroughput';
import { rolloutTraffic } from './rolloutTraffic';
import { scale } from './scale';
import { swarmBench } from './swarm';

export const SCENARIOS: Scenario[] = [proxyThroughput, rolloutTraffic, scale, swarmBench];
