/** A one-page dashboard: it polls /api/v1/status and /api/v1/revisions; no build step. */
export function dashboardHtml(): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>berth</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
.Healthy,.succeeded{color:#17803d}.Progressing,.applying{color:#a66b00}.Suspended{color:#555}.Degraded,.failed,.rejected,.Missing{color:#b3261e}
code{font-size:12px}pre{margin:0;white-space:pre-wrap;font-size:12px;color:#b3261e}
</style></head><body>
<h1>berth</h1>
<div id="summary">loading…</div>
<h2>Resources</h2><table id="resources"></table>
<h2>Terminating</h2><table id="terminating"></table>
<h2>Revisions</h2><table id="revisions"></table>
<script>
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
async function refresh() {
  const [s, revs] = await Promise.all([fetch('api/v1/status').then(r => r.json()), fetch('api/v1/revisions?limit=20').then(r => r.json())]);
  const att = s.lastAttemptedRevision;
  document.getElementById('summary').innerHTML =
    '<p>instance <b>' + esc(s.instance) + '</b> · ' + esc(s.source.repo) + ' @ ' + esc(s.source.branch) + ' · phase <b>' + esc(s.phase) + '</b></p>' +
    '<p>running: <code>' + esc((s.lastAppliedRevision || 'none').slice(0, 12)) + '</code>' +
    (att ? ' · last attempted: <code>' + esc(att.sha.slice(0, 12)) + '</code> <span class="' + esc(att.status) + '">' + esc(att.status) + '</span>' : '') + '</p>' +
    (s.lastError ? '<pre>' + esc(s.lastError) + '</pre>' : '');
  document.getElementById('resources').innerHTML = '<tr><th>kind</th><th>namespace</th><th>name</th><th>health</th><th></th></tr>' +
    s.resources.map(r => '<tr><td>' + esc(r.kind) + '</td><td>' + esc(r.namespace) + '</td><td>' + esc(r.name) + '</td><td class="' + esc(r.health) + '">' + esc(r.health) + '</td><td>' + esc(r.message) + (r.waiting ? '<br><small>waiting: ' + esc(r.waiting) + '</small>' : '') + '</td></tr>').join('');
  const t = s.terminating || [];
  document.getElementById('terminating').innerHTML = t.length ? '<tr><th>namespace</th><th>pod</th><th>of</th><th>killed in</th></tr>' +
    t.map(p => '<tr><td>' + esc(p.namespace) + '</td><td>' + esc(p.name) + '</td><td>' + esc(p.key) + '</td><td>' + esc(p.secondsLeft) + ' s</td></tr>').join('') : '<tr><td>none</td></tr>';
  document.getElementById('revisions').innerHTML = '<tr><th>commit</th><th>author</th><th>subject</th><th>status</th><th>applied</th></tr>' +
    revs.map(r => '<tr><td><code>' + esc(r.sha.slice(0, 12)) + '</code></td><td>' + esc(r.author) + '</td><td>' + esc(r.subject) +
      ((r.errors && r.errors.length) || r.reason ? '<pre>' + esc([r.reason].concat(r.errors || []).filter(Boolean).join('\\n')) + '</pre>' : '') +
      '</td><td class="' + esc(r.status) + '">' + esc(r.status) + '</td><td>' + esc(r.appliedAt || '') + '</td></tr>').join('');
}
refresh(); setInterval(refresh, 2000);
</script></body></html>`;
}
