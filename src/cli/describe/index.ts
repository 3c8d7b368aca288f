export { describe, type DescribeRequest, type OperatorKnowledge } from './gather';
export { renderDescribed, formatProbe, age } from './render';
export type { Described, DescribeKind } from './types';
