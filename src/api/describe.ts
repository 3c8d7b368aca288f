/**
 * `GET /api/v1/describe?kind=Pod&namespace=NS&name=NAME`: what `berth describe` computes
 * (src/cli/describe: conditions, containers, probes run once, events, the Services it is an
 * endpoint of), as JSON for the dashboard's details view, with the text `berth describe`
 * prints beside it. One implementation: the page renders the same `Described`.
 */
import type * as http from 'node:http';
import type { Described, DescribeKind } from '../cli';
import { isBerthError, messageOf } from '../util';

export type Describer = (req: { kind: DescribeKind; namespace: string; name: string }) => Promise<{ described: Described; text: string }>;

const KINDS: readonly DescribeKind[] = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Service'];
const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export async function serveDescribe(res: http.ServerResponse, url: URL, describe: Describer | undefined): Promise<void> {
  const json = (code: number, body: unknown): void => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body) + '\n');
  };
  if (!describe) return json(501, { error: 'this server describes nothing' });
  const kind = url.searchParams.get('kind') ?? '';
  const name = url.searchParams.get('name') ?? '';
  const namespace = url.searchParams.get('namespace') || 'default';
  if (!(KINDS as readonly string[]).includes(kind)) return json(400, { error: `kind: "${kind}" is not one of ${KINDS.join(', ')}` });
  if (!NAME_RE.test(name) || !NAME_RE.test(namespace)) return json(400, { error: `name: "${name}" in namespace "${namespace}" is not a valid name` });
  try {
    return json(200, await describe({ kind: kind as DescribeKind, namespace, name }));
  } catch (err) {
    return json(isBerthError(err, 'E_NOT_FOUND') ? 404 : 502, { error: messageOf(err) });
  }
}
