/** The secrets folder's public surface: other folders import from here, not from its files. */
export { loadAgeKeyring } from './keys';
export { planToJSON, redactAction, redactContainer, REDACTED, scrubber, secretRedactor } from './redact';
export { openSopsDocuments, type SopsMode } from './sops/open';
export { SecretFiles, assertSecretTarget } from './tmpfs';
