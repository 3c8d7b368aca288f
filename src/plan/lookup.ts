/** ConfigMaps and Secrets by namespace/name, for env and volume resolution. */
import type { ConfigMapResource, DesiredState, SecretResource } from '../model';

export interface ConfigLookup {
  configMap(namespace: string, name: string): ConfigMapResource | undefined;
  secret(namespace: string, name: string): SecretResource | undefined;
  /** A ConfigMap read from a sops file: its values are treated as a Secret's (env redacted, files on the tmpfs). */
  sealedConfigMap(namespace: string, name: string): boolean;
}

export function configLookup(desired: DesiredState): ConfigLookup {
  const cms = new Map(desired.configMaps.map((c) => [`${c.meta.namespace}/${c.meta.name}`, c]));
  const secrets = new Map(desired.secrets.map((s) => [`${s.meta.namespace}/${s.meta.name}`, s]));
  const sealed = new Set(desired.sealed?.keys ?? []);
  return {
    configMap: (ns, name) => cms.get(`${ns}/${name}`),
    secret: (ns, name) => secrets.get(`${ns}/${name}`),
    sealedConfigMap: (ns, name) => sealed.has(`ConfigMap/${ns}/${name}`),
  };
}

/** Secret data is base64 in the model; env wants the text. */
export function decodeBase64(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}
