/** ConfigMaps and Secrets by namespace/name, for env and volume resolution. */
import type { ConfigMapResource, DesiredState, SecretResource } from '../model';

export interface ConfigLookup {
  configMap(namespace: string, name: string): ConfigMapResource | undefined;
  secret(namespace: string, name: string): SecretResource | undefined;
}

export function configLookup(desired: DesiredState): ConfigLookup {
  const cms = new Map(desired.configMaps.map((c) => [`${c.meta.namespace}/${c.meta.name}`, c]));
  const secrets = new Map(desired.secrets.map((s) => [`${s.meta.namespace}/${s.meta.name}`, s]));
  return {
    configMap: (ns, name) => cms.get(`${ns}/${name}`),
    secret: (ns, name) => secrets.get(`${ns}/${name}`),
  };
}

/** Secret data is base64 in the model; env wants the text. */
export function decodeBase64(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}
