export { plan } from './plan';
export { renderPlan, displayKey, type RenderOptions } from './render';
export { planToJSON, redactAction, redactContainer, REDACTED } from './redact';
export { pairPods, brokenReason, observedKey, type DeclaredWorkloads } from './pair';
export { expandPods, needsInfra } from './expand';
export { expandVars } from './expansion';
export { podAliases, serviceWarnings, CLUSTER_DOMAIN } from './aliases';
export * from './names';
export * from './types';
