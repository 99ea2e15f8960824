/**
 * End-to-end test of the spectrum explorer in real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core): serves the built site (apps/docs/.vitepress/dist, from `pnpm docs:build`) on
 * 127.0.0.1 at a random port, opens /explorer, waits for the first spectrum, changes n, waits for the plot
 * to update, and checks that the histogram holds exactly n eigenvalues and that the console showed no
 * errors. Installs nothing. Exit 0 on success, 1 on failure; without Chromium it exits 1 with the reason
 * (0 when SPEC_E2E_OPTIONAL=1).
 *
 * Run: pnpm test:e2e   (after pnpm docs:build; CI installs chromium with apt first)
 *      SPEC_E2E_SCREENSHOT=/tmp/explorer.png pnpm test:e2e   also saves a screenshot of the explorer
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.SPEC_CHROMIUM ?? '/usr/bin/chromium';
const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../.vitepress/dist');
const TOTAL_TIMEOUT_MS = 4 * 60_000;
const RUN_TIMEOUT_MS = 90_000; // one explorer run at n = 200 takes ~1 s; 2 shared cores under load can be 50× slower
const FIRST_N = 200;
const NEXT_N = 150;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** A static file server for the built site (clean URLs: /explorer → /explorer.html). */
function serve(root: string): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (path !== root && !path.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
    if (!existsSync(path) && existsSync(`${path}.html`)) path = `${path}.html`;
    if (!existsSync(path)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    res.end(readFileSync(path));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok(server));
  });
}

async function waitForRun(page: Page, n: number, previousRun: string | null): Promise<void> {
  await page.waitForFunction(
    ({ n, previousRun }) => {
      const el = document.querySelector('.spectrum-explorer');
      if (!el) return false;
      if (el.getAttribute('data-status') === 'error') return true; // reported below
      return (
        el.getAttribute('data-status') === 'done' &&
        el.getAttribute('data-eigenvalue-count') === String(n) &&
        el.getAttribute('data-run') !== previousRun &&
        el.querySelector('.plot svg') !== null
      );
    },
    { n, previousRun },
    { timeout: RUN_TIMEOUT_MS, polling: 100 },
  );
  const status = await page.getAttribute('.spectrum-explorer', 'data-status');
  if (status === 'error')
    throw new Error(`explorer reported an error: ${await page.textContent('.spectrum-explorer .error')}`);
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`ok - ${what}`);
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    const msg = `explorer e2e: ${CHROMIUM} not found — install Debian's chromium (apt-get install -y chromium) or set SPEC_CHROMIUM`;
    if (process.env.SPEC_E2E_OPTIONAL === '1') {
      console.log(`${msg}; skipped (SPEC_E2E_OPTIONAL=1)`);
      return;
    }
    throw new Error(msg);
  }
  if (!existsSync(join(DIST, 'explorer.html')))
    throw new Error(`explorer e2e: ${DIST}/explorer.html not found — run pnpm docs:build first`);

  const server = await serve(DIST);
  let browser: Browser | null = null;
  try {
    const { port } = server.address() as AddressInfo;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: 60_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}${m.location().url ? ` (${m.location().url})` : ''}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${r.url()}`);
    });
    page.on('worker', (w) =>
      w.on('console', (m) => m.type() === 'error' && errors.push(`worker console: ${m.text()}`)),
    );

    await page.goto(`http://127.0.0.1:${port}/explorer.html`, { waitUntil: 'load' });
    await waitForRun(page, FIRST_N, null);
    const firstRun = await page.getAttribute('.spectrum-explorer', 'data-run');
    const backend = await page.getAttribute('.spectrum-explorer', 'data-backend');
    const note = await page.locator('.spectrum-explorer p.note').first().textContent();
    console.log(
      `# first run done on backend ${backend}${note && backend === 'cpu' ? ` (${note.trim().slice(0, 300)})` : ''}`,
    );
    check(
      (await page.getAttribute('.spectrum-explorer', 'data-histogram-total')) === String(FIRST_N),
      `histogram holds ${FIRST_N} eigenvalues`,
    );

    await page.fill('input[name="n"]', String(NEXT_N));
    await page.press('input[name="n"]', 'Tab'); // commits the value (change event)
    await waitForRun(page, NEXT_N, firstRun);
    check(
      (await page.getAttribute('.spectrum-explorer', 'data-eigenvalue-count')) === String(NEXT_N),
      `after n → ${NEXT_N}, the plot shows ${NEXT_N} eigenvalues`,
    );
    check(
      (await page.getAttribute('.spectrum-explorer', 'data-histogram-total')) === String(NEXT_N),
      `histogram counts sum to ${NEXT_N}`,
    );
    const bars = await page.locator('.spectrum-explorer .plot svg rect').count();
    check(bars > 5, `the plot draws histogram bars (${bars} rects)`);
    const lines = await page.locator('.spectrum-explorer .plot svg path').count();
    check(lines > 0, 'the plot draws the limit density');
    if (process.env.SPEC_E2E_SCREENSHOT)
      await page.locator('.spectrum-explorer').screenshot({ path: process.env.SPEC_E2E_SCREENSHOT });
    check(errors.length === 0, `no console errors${errors.length ? `:\n  ${errors.join('\n  ')}` : ''}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await new Promise<void>((ok) => server.close(() => ok()));
  }
}

const watchdog = setTimeout(() => {
  console.error(`explorer e2e: timed out after ${TOTAL_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
watchdog.unref();

main().then(
  () => {
    console.log('explorer e2e: passed');
    process.exit(0);
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
