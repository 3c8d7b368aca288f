/**
 * The dashboard's built files (`npm run build` bundles web/ into dist/web with esbuild):
 * served by berth itself, read once and kept in memory, so the page works offline and with
 * no other server. Only names of the build's own files are served (no path from the URL
 * reaches the file system).
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

const WEB_DIR = path.resolve(__dirname, '../../web');

const FILES: Record<string, string> = {
  '/': 'index.html',
  '/assets/app.js': 'app.js',
  '/assets/app.css': 'app.css',
};

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

export type Asset = { type: 'found'; contentType: string; body: Buffer } | { type: 'missing'; message: string } | { type: 'none' };

const cache = new Map<string, Buffer>();

export async function asset(urlPath: string, dir = WEB_DIR): Promise<Asset> {
  const file = FILES[urlPath];
  if (!file) return { type: 'none' };
  const full = path.join(dir, file);
  let body = cache.get(full);
  if (!body) {
    try {
      body = await readFile(full);
    } catch {
      return { type: 'missing', message: `the dashboard is not built (${full} is missing): run npm run build` };
    }
    cache.set(full, body);
  }
  return { type: 'found', contentType: TYPES[path.extname(file)]!, body };
}
