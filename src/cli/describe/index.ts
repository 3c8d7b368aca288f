export { describe, type DescribeRequest } from './gather';
export { renderDescribed, formatProbe, age } from './render';
export type { Described, DescribeKind } from './types';
