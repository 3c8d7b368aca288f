#!/usr/bin/env node
// Bundles the swarm's mesh proxy (src/swarm/mesh/main.ts and the proxy it runs) into one file,
// dist/mesh/mesh.js, so the mesh image holds only the node binary and this file
// (src/swarm/mesh/image.ts). Run by `npm run build`.
const { build } = require('esbuild');
const { join } = require('node:path');

const root = join(__dirname, '..');
build({
  entryPoints: [join(root, 'src', 'swarm', 'mesh', 'main.ts')],
  bundle: true,
  platform: 'node',
  target: ['node20'],
  format: 'cjs',
  minify: true,
  outfile: join(root, 'dist', 'mesh', 'mesh.js'),
  logLevel: 'warning',
  metafile: true,
}).then(
  (r) => {
    if (process.argv.includes('--inputs')) for (const f of Object.keys(r.metafile.inputs)) console.log(f);
  },
  () => process.exit(1),
);
