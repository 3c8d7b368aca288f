/**
 * A pod's logs, followed: `GET /api/v1/logs?namespace=NS&target=pod/NAME&tail=N&follow=1`
 * (text/event-stream, each event `{"pod","container","time","line"}`; src/api/logs.ts).
 */
import { useEffect, useState } from 'preact/hooks';

interface LogLine {
  pod: string;
  container: string;
  time: string;
  line: string;
}

const KEEP = 500;

export function Logs({ namespace, target, onClose }: { namespace: string; target: string; onClose(): void }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [state, setState] = useState('connecting…');
  useEffect(() => {
    setLines([]);
    const q = new URLSearchParams({ namespace, target, tail: '100', follow: '1' });
    const es = new EventSource(`api/v1/logs?${q}`);
    es.onopen = () => setState('following');
    es.onerror = () => setState('not connected (retrying)');
    es.onmessage = (e: MessageEvent<string>) => {
      const l = JSON.parse(e.data) as LogLine;
      setLines((prev) => [...prev.slice(-(KEEP - 1)), l]);
    };
    return () => es.close();
  }, [namespace, target]);
  return (
    <div class="logs" data-logs={target}>
      <div class="head">
        <b>logs</b> {namespace}/{target} <span class="meta">{state}</span>{' '}
        <button class="small link" onClick={onClose}>
          close
        </button>
      </div>
      <pre>
        {lines.map((l, i) => (
          <div key={i}>
            <span class="meta">
              {l.time.slice(11, 19)} {target.startsWith('pod/') ? '' : `${l.pod} `}
              {l.container}
            </span>{' '}
            {l.line}
          </div>
        ))}
      </pre>
    </div>
  );
}
