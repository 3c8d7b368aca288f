/**
 * Debian's Chromium driven by playwright-core, for the dashboard's browser tests: headless,
 * a fresh profile per launch, no browser download ever (playwright-core brings none; the
 * binary is /usr/bin/chromium from scripts/setup-host).
 *
 *   const b = await openBrowser();           // after(() => b.close())
 *   const page = await b.page(op.url + '/');
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export interface TestBrowser {
  page(url: string): Promise<Page>;
  /** Requests a page made anywhere but berth (refused): the page must make none. */
  readonly blocked: string[];
  close(): Promise<void>;
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function openBrowser(): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'berth-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    // Everything the page loads comes from berth: any other request is a defect.
    offline: false,
  });
  const blocked: string[] = [];
  return {
    blocked,
    page: async (url) => {
      const page = await context.newPage();
      await page.route(/^(?!http:\/\/127\.0\.0\.1)/, (route) => {
        blocked.push(route.request().url());
        return route.abort();
      });
      await page.goto(url);
      return page;
    },
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Where screenshots go when BERTH_SCREENSHOTS names a folder (docs/ for the README); else nowhere. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.BERTH_SCREENSHOTS;
  if (!dir) return;
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}
