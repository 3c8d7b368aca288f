/** `--ingress-http-port` / `--ingress-https-port`: where the Ingress listeners bind on the host. */
import { InvalidArgumentError, type Command } from 'commander';

export interface IngressPortsRaw {
  ingressHttpPort: number;
  ingressHttpsPort: number;
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`${v} is not a port number 1-65535`);
  return n;
}

export function addIngressOptions<C extends Command>(cmd: C): C {
  cmd.option('--ingress-http-port <port>', 'host port of the Ingress HTTP listener', port, 80);
  cmd.option('--ingress-https-port <port>', 'host port of the Ingress HTTPS listener', port, 443);
  return cmd;
}

export function ingressPorts(raw: IngressPortsRaw): { http: number; https: number } {
  return { http: raw.ingressHttpPort, https: raw.ingressHttpsPort };
}
