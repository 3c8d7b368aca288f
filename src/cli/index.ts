/**
 * The CLI is the top of the tree: nothing imports its code. The operator and the API know
 * the shape of `berth describe`'s answer, which the `run` command passes in (a Describer).
 */
export type { Described, DescribeKind, DescribeRequest, OperatorKnowledge } from './describe';
