/** The operator folder's public surface: other folders import from here, not from its files. */
export { startOperator, type OperatorOptions } from './operator';
