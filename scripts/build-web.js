#!/usr/bin/env node
// Bundles the dashboard (web/) into dist/web with esbuild: one script, one stylesheet and
// the page, all served by berth itself (src/api/assets.ts). Run by `npm run build`.
const { build } = require('esbuild');
const { copyFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });
build({
  entryPoints: [join(root, 'web', 'main.tsx')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
}).then(
  () => {
    copyFileSync(join(root, 'web', 'index.html'), join(out, 'index.html'));
    copyFileSync(join(root, 'web', 'app.css'), join(out, 'app.css'));
  },
  () => process.exit(1),
);
