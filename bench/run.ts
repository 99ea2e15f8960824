/**
 * `pnpm bench [filter] [--repeats N] [--json]`: times every case of `bench/*.bench.ts` (default export
 * `BenchCase[]`, see types.ts) — setup, one warm-up, then N timed runs, median reported — and, where
 * `python3` with numpy is available, the case's numpy snippet in one python subprocess per case, timed
 * the same way. Prints a table with the ratio ours / numpy and the targets, or one JSON document
 * with `--json`. Progress goes to stderr.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchCase } from './types.js';

interface Args {
  readonly filter?: string;
  readonly repeats?: number;
  readonly json: boolean;
}

interface Row {
  readonly group: string;
  readonly name: string;
  readonly oursMs: number;
  readonly numpyMs: number | null;
  readonly ratio: number | null;
  readonly target: BenchCase['target'] | null;
  /** true / false when a target could be checked, null otherwise. */
  readonly pass: boolean | null;
  readonly repeats: number;
}

function parseArgs(argv: string[]): Args {
  let filter: string | undefined;
  let repeats: number | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--repeats') {
      repeats = Number(argv[++i]);
      if (!Number.isInteger(repeats) || repeats < 1) fail(`--repeats needs a positive integer, got ${argv[i]}`);
    } else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: pnpm bench [filter] [--repeats N] [--json]\n');
      process.exit(0);
    } else if (a.startsWith('--')) fail(`unknown flag ${a}`);
    else filter = a;
  }
  return { filter, repeats, json };
}

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The environment for python: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE slow numpy down on this machine; `threads` caps
 * its BLAS threads (a case's `numpyThreads`).
 */
function pythonEnv(threads?: number): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (threads !== undefined) env.OPENBLAS_NUM_THREADS = env.OMP_NUM_THREADS = String(threads);
  return env;
}

function python(script: string, threads?: number): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync('python3', ['-c', script], { env: pythonEnv(threads), encoding: 'utf8', maxBuffer: 1 << 24 });
  return { ok: r.status === 0 && !r.error, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

const BLAS_INFO = `
import numpy as np
try:
    from threadpoolctl import threadpool_info
    for p in threadpool_info():
        print(f"{p.get('internal_api')} {p.get('version')} ({p.get('threading_layer')}, {p.get('num_threads')} threads, {p.get('architecture')})")
except ImportError:
    try:
        blas = np.show_config(mode='dicts')['Build Dependencies']['blas']
        print(f"{blas.get('name')} {blas.get('version')} (numpy {np.__version__}; threadpoolctl not installed)")
    except Exception:
        print(f"unknown BLAS (numpy {np.__version__})")
`;

function numpyScript(snippet: string, repeats: number): string {
  return [
    'import json, time',
    'import numpy as np',
    snippet,
    '_inputs = setup()',
    'work(_inputs)',
    '_times = []',
    `for _ in range(${repeats}):`,
    '    _t = time.perf_counter()',
    '    work(_inputs)',
    '    _times.append((time.perf_counter() - _t) * 1000.0)',
    'print(json.dumps({"times": _times}))',
  ].join('\n');
}

async function discover(dir: string): Promise<BenchCase[]> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const cases: BenchCase[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: unknown };
    if (!Array.isArray(mod.default)) fail(`${f} must default-export a BenchCase[]`);
    cases.push(...(mod.default as BenchCase[]));
  }
  return cases;
}

function fmtMs(x: number | null): string {
  if (x === null) return '—';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function fmtTarget(t: BenchCase['target'] | null): string {
  if (!t) return '';
  const parts: string[] = [];
  if (t.maxRatio !== undefined) parts.push(`≤ ${t.maxRatio}×`);
  if (t.maxMs !== undefined) parts.push(`≤ ${t.maxMs} ms`);
  return `${parts.join(', ')} (${t.source})`;
}

function table(rows: Row[]): string {
  const head = ['group', 'case', 'ours (ms)', 'numpy (ms)', 'ours/numpy', 'target', ''];
  const body = rows.map((r) => [
    r.group,
    r.name,
    fmtMs(r.oursMs),
    fmtMs(r.numpyMs),
    r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
    fmtTarget(r.target),
    r.pass === null ? (r.target ? '?' : '') : r.pass ? '✓' : '✗',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    line(head),
    widths
      .map((w) => '-'.repeat(w))
      .join('  ')
      .trimEnd(),
    ...body.map(line),
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = dirname(fileURLToPath(import.meta.url));
  const all = await discover(dir);
  const needle = args.filter?.toLowerCase();
  const cases = needle ? all.filter((c) => `${c.group} ${c.name}`.toLowerCase().includes(needle)) : all;
  if (cases.length === 0)
    fail(`no benchmark matches ${JSON.stringify(args.filter ?? '')} (${all.length} cases in total)`);

  const probe = python(BLAS_INFO);
  const hasNumpy = probe.ok;
  const blas = hasNumpy ? probe.stdout.trim() : null;
  if (!hasNumpy) process.stderr.write('note: python3 with numpy not found; timing ours only (numpy column shows —)\n');
  else process.stderr.write(`numpy BLAS: ${blas}\n`);

  const rows: Row[] = [];
  for (const c of cases) {
    const repeats = args.repeats ?? c.repeats ?? 5;
    process.stderr.write(`${c.group} / ${c.name}: ours …`);
    const prepared = c.setup ? c.setup() : undefined;
    c.run(prepared); // warm-up
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      c.run(prepared);
      times.push(performance.now() - t0);
    }
    const oursMs = median(times);
    let numpyMs: number | null = null;
    if (hasNumpy && c.numpy) {
      process.stderr.write(' numpy …');
      const r = python(numpyScript(c.numpy, repeats), c.numpyThreads);
      if (r.ok) {
        const parsed = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { times?: number[] };
        if (parsed.times && parsed.times.length > 0) numpyMs = median(parsed.times);
      } else {
        process.stderr.write(`\nwarning: numpy snippet of "${c.name}" failed:\n${r.stderr}\n`);
      }
    }
    process.stderr.write(` ${fmtMs(oursMs)} ms\n`);
    const ratio = numpyMs === null ? null : oursMs / numpyMs;
    const target = c.target ?? null;
    let pass: boolean | null = null;
    if (target) {
      const checks: boolean[] = [];
      if (target.maxRatio !== undefined && ratio !== null) checks.push(ratio <= target.maxRatio);
      if (target.maxMs !== undefined) checks.push(oursMs <= target.maxMs);
      const complete = (target.maxRatio === undefined || ratio !== null) && checks.length > 0;
      pass = complete ? checks.every(Boolean) : checks.includes(false) ? false : null;
    }
    rows.push({ group: c.group, name: c.name, oursMs, numpyMs, ratio, target, pass, repeats });
  }

  if (args.json) {
    const doc = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: (await import('node:os')).cpus().length,
      numpyBlas: blas,
      results: rows,
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    if (blas) process.stdout.write(`numpy BLAS: ${blas}\n`);
    process.stdout.write(`${table(rows)}\n`);
  }
}

await main();
