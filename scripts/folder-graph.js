#!/usr/bin/env node
// The import graph between the top-level folders of src/, and its cycles. Exits 1 when a
// value import closes a cycle (`import type` costs nothing at run time and is only listed).
// Run by `npm run lint`; `node scripts/folder-graph.js --edges` prints every edge.
const fs = require('node:fs');
const path = require('node:path');

const SRC = path.resolve(__dirname, '..', 'src');
const filesOf = (dir) =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesOf(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
const folderOf = (file) => path.relative(SRC, file).split(path.sep)[0];

/** folder -> (folder it imports -> true when every such import is type-only) */
const graph = new Map();
for (const file of filesOf(SRC)) {
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(import|export)(\s+type)?\b[^;]*?from\s+'(\.[^']*)'/gms)) {
    const to = folderOf(path.resolve(path.dirname(file), m[3]));
    const from = folderOf(file);
    if (to === from || to.startsWith('..') || to.endsWith('.ts')) continue;
    const edges = graph.get(from) ?? new Map();
    graph.set(from, edges);
    edges.set(to, (edges.get(to) ?? true) && Boolean(m[2]));
  }
}

/** Strongly connected components of more than one folder (Tarjan). */
function cycles(valueOnly) {
  let next = 0;
  const index = new Map(),
    low = new Map(),
    stack = [],
    onStack = new Set(),
    found = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const [w, typeOnly] of graph.get(v) ?? []) {
      if (valueOnly && typeOnly) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

if (process.argv.includes('--edges'))
  for (const [from, edges] of [...graph].sort())
    for (const [to, typeOnly] of [...edges].sort()) console.log(`${from} -> ${to}${typeOnly ? ' (type only)' : ''}`);
const valueCycles = cycles(true);
const typeCycles = cycles(false);
for (const c of typeCycles) console.log(`type-only references close a cycle among: ${c.join(', ')}`);
for (const c of valueCycles) console.error(`import cycle between folders: ${c.join(', ')}`);
process.exit(valueCycles.length ? 1 : 0);
