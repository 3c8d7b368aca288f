/** Stage 2: the semantic rules, each a small function over the whole set. */
import type { Problem } from '../../util';
import type { ModelIndex, Rule } from '../located';
import { hostPortsDistinct, hostPortsPerReplica } from './host-ports';
import { imagesWellFormed } from './images';
import { sctpHostPortsWarned } from './sctp';
import { namedPortsResolve } from './named-ports';
import { podStructure } from './pod-structure';
import { referencesExist } from './references';
import { selectorsMatchTemplates } from './selectors';
import { workloadRules } from './workloads';
import { daemonSetRules } from './daemonsets';
import { ingressRules } from './ingress';

export const RULES: readonly Rule[] = [
  selectorsMatchTemplates,
  referencesExist,
  podStructure,
  namedPortsResolve,
  hostPortsDistinct,
  hostPortsPerReplica,
  workloadRules,
  daemonSetRules,
  ingressRules,
  imagesWellFormed,
  sctpHostPortsWarned,
];

export function runRules(m: ModelIndex, rules: readonly Rule[] = RULES): Problem[] {
  return rules.flatMap((rule) => rule(m));
}

export { dedupe, duplicateProblems } from './duplicates';
export { hostClaims } from './host-ports';
