/**
 * Browser bench for @spec/backend-gpujs: serves bench/browser/ from http://127.0.0.1,
 * opens it in Debian's headless Chromium through playwright-core, and prints the timings of gpu.js
 * products per mode (webgl2/webgl run on SwiftShader, a CPU rasteriser, without a GPU) next to
 * @spec/backend-cpu in Node. A bench, not a test.
 *
 *   apt-get install -y chromium
 *   pnpm exec tsx --conditions=source bench/browser/run.ts [--sizes 256,512,1024] [--modes webgl2,webgl,webasm,cpu] [--backend-sizes 256,512]
 *
 * Part 1 times raw gpu.js kernels (bench.js); part 2 bundles entry.ts and runs @spec/backend-gpujs
 * itself in the page (mode selection, tiling, probe validation) against @spec/backend-cpu there.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng } from '@spec/core';

interface Browser {
  newPage(): Promise<{
    goto(url: string): Promise<unknown>;
    waitForFunction(fn: string, arg: unknown, options: { timeout: number }): Promise<unknown>;
    evaluate(fn: string): Promise<unknown>;
  }>;
  close(): Promise<void>;
}
interface Chromium {
  launch(options: { executablePath: string; args: string[]; headless: boolean }): Promise<Browser>;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** playwright-core from bench's own dependencies, else from apps/docs (which depends on it). */
async function loadChromium(): Promise<Chromium> {
  const spec = 'playwright-core';
  try {
    return ((await import(spec)) as { chromium: Chromium }).chromium;
  } catch {
    const req = createRequire(join(root, 'apps', 'docs', 'package.json'));
    return (req(spec) as { chromium: Chromium }).chromium;
  }
}

/** Bundles entry.ts (the real backend, with backend-cpu and core) for the page, with tsx's esbuild. */
async function bundleBackend(): Promise<string> {
  const requireFromRoot = createRequire(join(root, 'package.json'));
  const esbuild = createRequire(requireFromRoot.resolve('tsx'))('esbuild') as {
    build(o: Record<string, unknown>): Promise<{ outputFiles: Array<{ text: string }> }>;
  };
  const out = await esbuild.build({
    entryPoints: [join(here, 'entry.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    conditions: ['source'],
    write: false,
    logLevel: 'warning',
    absWorkingDir: join(root, 'bench'),
  });
  return out.outputFiles[0].text;
}

const sizes = arg('--sizes', '256,512,1024');
const modes = arg('--modes', 'webgl2,webgl,webasm,cpu');
const gpuBrowserJs = join(
  dirname(createRequire(join(root, 'packages', 'backend-gpujs', 'package.json')).resolve('gpu.js')),
  '..',
  'dist',
  'gpu-browser.min.js',
);
const files: Record<string, [string, string]> = {
  '/': [join(here, 'index.html'), 'text/html'],
  '/bench.js': [join(here, 'bench.js'), 'text/javascript'],
  '/backend.html': [join(here, 'backend.html'), 'text/html'],
  '/gpu-browser.js': [gpuBrowserJs, 'text/javascript'],
};
const bundle = await bundleBackend();
const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/spec-bundle.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    return;
  }
  const file = files[path];
  if (!file) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': file[1] }).end(readFileSync(file[0]));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;

const chromium = await loadChromium();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/?sizes=${sizes}&modes=${modes}`);
  await page.waitForFunction('window.benchResults !== undefined', null, { timeout: 600_000 });
  const results = (await page.evaluate('window.benchResults')) as Array<Record<string, unknown>>;
  const cpu = createCpuBackend();
  const cpuMs: Record<number, number> = {};
  for (const n of sizes.split(',').map(Number)) {
    const A = cpu.randn(n, n, createRng(1));
    const B = cpu.randn(n, n, createRng(2));
    cpu.gemm(A, B, { transB: true });
    const times: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      cpu.gemm(A, B, { transB: true });
      times.push(performance.now() - t0);
    }
    cpuMs[n] = times.sort((a, b) => a - b)[1];
  }
  console.log('mode (ran)        n     first ms   median ms   backend-cpu ms (Node)   probe rel. error');
  for (const r of results) {
    if (r.error) {
      console.log(`${String(r.mode).padEnd(17)} ${String(r.n ?? '').padEnd(5)} error: ${String(r.error)}`);
      continue;
    }
    const n = r.n as number;
    console.log(
      `${`${r.mode} (${r.ran})`.padEnd(17)} ${String(n).padEnd(5)} ${(r.firstMs as number).toFixed(1).padStart(9)} ${(r.medianMs as number).toFixed(1).padStart(11)} ${cpuMs[n].toFixed(1).padStart(23)}   ${(r.probe as number).toExponential(1)}`,
    );
  }
  // The real backend in the page: mode selection, tiling and probe validation, against backend-cpu there.
  const page2 = await browser.newPage();
  await page2.goto(
    `http://127.0.0.1:${port}/backend.html?sizes=${arg('--backend-sizes', '256,512')}&modes=auto,webgl2,webgl,webasm`,
  );
  await page2.waitForFunction('window.backendResults !== undefined', null, { timeout: 600_000 });
  const rows = (await page2.evaluate('window.backendResults')) as Array<Record<string, unknown>>;
  console.log('\n@spec/backend-gpujs in the page (gemm n × n) vs @spec/backend-cpu in the same page');
  console.log('mode     name              n     gpujs ms   cpu ms   rel. error');
  for (const r of rows) {
    if (r.error) {
      console.log(
        `${String(r.mode).padEnd(8)} ${String(r.name ?? '').padEnd(17)} ${String(r.n ?? '').padEnd(5)} error: ${String(r.error)}`,
      );
      continue;
    }
    console.log(
      `${String(r.mode).padEnd(8)} ${String(r.name).padEnd(17)} ${String(r.n).padEnd(5)} ${(r.gpujsMs as number).toFixed(1).padStart(8)} ${(r.cpuMs as number).toFixed(1).padStart(8)}   ${(r.relError as number).toExponential(1)}`,
    );
  }
} finally {
  await browser.close();
  server.close();
}
