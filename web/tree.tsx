/** The application tree: workloads -> templates -> pods -> containers; Services -> endpoints; ConfigMaps/Secrets -> pods. */
import type { AppView, ConfigNode, PodNode, ServiceNode, TemplateNode, WorkloadNode } from '../src/api/view/types';
import { Health, NodeStatus } from './badges';
import type { ContainerUsage } from '../src/monitor/usage';
import { ContainerUse, WorkloadUse } from './usage';

export interface TreeProps {
  view: AppView;
  /** Show logs of `target` (`pod/NAME`, `deployment/NAME`, `statefulset/NAME`). */
  onLogs(namespace: string, target: string): void;
  onRestart(w: WorkloadNode): void;
  /** Show a pod's details (what `berth describe pod/NAME` shows). */
  onDetails(namespace: string, pod: string): void;
}

export function Tree({ view, onLogs: onPod, onRestart, onDetails }: TreeProps) {
  if (view.workloads.length === 0 && view.services.length === 0) return <p class="empty">Nothing applied yet.</p>;
  return (
    <div class="tree">
      <section>
        <h2>Workloads</h2>
        {view.workloads.map((w) => (
          <Workload key={`${w.kind}/${w.namespace}/${w.name}`} w={w} onPod={onPod} onRestart={onRestart} onDetails={onDetails} view={view} />
        ))}
      </section>
      {view.services.length > 0 && (
        <section>
          <h2>Services</h2>
          {view.services.map((s) => (
            <Service key={`${s.namespace}/${s.name}`} s={s} />
          ))}
        </section>
      )}
      {view.configs.length > 0 && (
        <section>
          <h2>ConfigMaps and Secrets</h2>
          {view.configs.map((c) => (
            <Config key={`${c.kind}/${c.namespace}/${c.name}`} c={c} />
          ))}
        </section>
      )}
    </div>
  );
}

function Workload({
  w,
  onPod,
  onRestart,
  onDetails,
  view,
}: {
  w: WorkloadNode;
  onPod: TreeProps['onLogs'];
  onRestart: TreeProps['onRestart'];
  onDetails: TreeProps['onDetails'];
  view: AppView;
}) {
  const key = `${w.kind}/${w.namespace}/${w.name}`;
  const total = view.usage.workloads.find((u) => u.workload === key);
  const use = new Map(view.usage.containers.filter((u) => u.workload === key).map((u) => [`${u.pod}/${u.container}`, u]));
  return (
    <div class={`node workload ${w.health}`} data-workload={`${w.kind}/${w.namespace}/${w.name}`}>
      <div class="head">
        <span class="kind">{w.kind}</span> <b>{w.name}</b> <span class="ns">{w.namespace}</span> <NodeStatus s={w} />
        {w.kind !== 'Pod' && w.health !== 'Unknown' && (
          <button class="small" data-restart onClick={() => onRestart(w)} title="replace every pod under its rollout strategy (kubectl rollout restart)">
            restart
          </button>
        )}
        {w.kind !== 'Pod' && (
          <button class="small link" onClick={() => onPod(w.namespace, `${w.kind.toLowerCase()}/${w.name}`)} title="the lines of every pod, merged">
            logs
          </button>
        )}
      </div>
      {total && <div class="meta">{<WorkloadUse u={total} />}</div>}
      {w.waiting && <div class="waiting">waiting: {w.waiting}</div>}
      {w.bounds && <Bounds w={w} />}
      {w.restartedAt && <div class="meta">restarted at {w.restartedAt}</div>}
      <div class="children">
        {w.templates.map((t) => (
          <Template key={t.hash} t={t} onPod={onPod} onDetails={onDetails} use={use} />
        ))}
      </div>
    </div>
  );
}

function Bounds({ w }: { w: WorkloadNode }) {
  const b = w.bounds!;
  const pods = w.templates.reduce((n, t) => n + t.pods.filter((p) => p.terminatingSecondsLeft === undefined).length, 0);
  const available = w.templates.reduce((n, t) => n + t.pods.filter((p) => p.ready).length, 0);
  return (
    <div class="bounds">
      <span>{b.strategy}</span>
      <span>
        {pods} pod(s){b.maxPods !== undefined ? `, at most ${b.maxPods}` : ''}
      </span>
      <span>
        {available} ready{b.minAvailable !== undefined ? `, at least ${b.minAvailable} available` : ''} of {b.replicas}
      </span>
      {b.deadlineSecondsLeft !== undefined && (
        <span class={`deadline ${b.deadlineSecondsLeft < 30 ? 'near' : ''}`} data-deadline={b.deadlineSecondsLeft}>
          progress deadline in {b.deadlineSecondsLeft} s (of {b.progressDeadlineSeconds})
        </span>
      )}
    </div>
  );
}

type Uses = Map<string, ContainerUsage>;

function Template({ t, onPod, onDetails, use }: { t: TemplateNode; onPod: TreeProps['onLogs']; onDetails: TreeProps['onDetails']; use: Uses }) {
  return (
    <div class={`node template ${t.current ? 'current' : 'old'}`} data-template={t.hash}>
      <div class="head">
        <span class="kind">template</span> <code>{t.hash}</code> {t.current ? <span class="tag">declared</span> : <span class="tag old">older</span>}{' '}
        <span class="count">{t.pods.length} pod(s)</span>
      </div>
      <div class="children">
        {t.pods.map((p) => (
          <Pod key={p.name} p={p} onPod={onPod} onDetails={onDetails} use={use} />
        ))}
      </div>
    </div>
  );
}

function Pod({ p, onPod, onDetails, use }: { p: PodNode; onPod: TreeProps['onLogs']; onDetails: TreeProps['onDetails']; use: Uses }) {
  const terminating = p.terminatingSecondsLeft !== undefined;
  return (
    <div class={`node pod ${terminating ? 'terminating' : p.health}`} data-pod={p.name}>
      <div class="head">
        <span class="kind">pod</span>{' '}
        <a href="#" onClick={(e) => (e.preventDefault(), onPod(p.namespace, `pod/${p.name}`))}>
          {p.name}
        </a>{' '}
        {terminating ? <span class="badge terminating">terminating · {p.terminatingSecondsLeft} s left</span> : <NodeStatus s={p} />}
        {p.restarts > 0 && <span class="meta"> {p.restarts} restart(s)</span>}
        {p.exitCode !== undefined && <span class="meta"> exit code {p.exitCode}</span>}{' '}
        <button
          class="small link"
          data-describe={p.name}
          onClick={() => onDetails(p.namespace, p.name)}
          title="conditions, probes, endpoints, events (berth describe)"
        >
          details
        </button>
      </div>
      <div class="children">
        {p.containers.map((c) => (
          <div class="node container" key={c.name}>
            <span class="kind">container</span> {c.name} <code>{c.image}</code> <span class={`state ${c.state}`}>{c.status || c.state}</span>
            {use.get(`${p.name}/${c.name}`) && <ContainerUse u={use.get(`${p.name}/${c.name}`)!} />}
          </div>
        ))}
      </div>
    </div>
  );
}

function Service({ s }: { s: ServiceNode }) {
  return (
    <div class={`node service ${s.health}`} data-service={`${s.namespace}/${s.name}`}>
      <div class="head">
        <span class="kind">Service</span> <b>{s.name}</b> <span class="ns">{s.namespace}</span> <span class="meta">{s.type}</span>{' '}
        <span class="meta">{s.ports.join(', ')}</span> <NodeStatus s={s} />
      </div>
      <div class="children">
        {s.endpoints.map((e) => (
          <div class={`node endpoint ${e.state}`} key={e.pod} data-endpoint={e.pod}>
            <span class="kind">endpoint</span> {e.pod} <code>{e.ip || 'no IP'}</code> <span class={`badge ep ${e.state}`}>{e.state}</span>
            {e.connections !== undefined && <span class="meta"> {e.connections} open connection(s)</span>}
          </div>
        ))}
      </div>
    </div>
  );
}

function Config({ c }: { c: ConfigNode }) {
  return (
    <div class="node config" data-config={`${c.kind}/${c.namespace}/${c.name}`}>
      <div class="head">
        <span class="kind">{c.kind}</span> <b>{c.name}</b> <span class="ns">{c.namespace}</span> <Health s={c} /> <span class="reason">{c.message}</span>
      </div>
      <div class="meta">
        keys: {c.keys.length ? c.keys.join(', ') : 'none'}
        {c.kind === 'Secret' ? ' (values never shown)' : ''}
      </div>
      {c.usedBy.length > 0 && <div class="meta">pods: {c.usedBy.join(', ')}</div>}
    </div>
  );
}
