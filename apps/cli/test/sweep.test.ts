import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGrid, runSeed, shardRuns } from '../src/sweep/grid.js';
import { expectOneErrorLine, run } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'spec-sweep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Small spectra (n ≤ 50) so the 2 × 2 grid runs in about a second.
const grid = join(tmp, 'grid.json');
writeFileSync(
  grid,
  JSON.stringify({ command: 'spectrum', n: [40, 50], activation: ['tanh', 'relu'], d0: 30, widths: '45', points: 200 }),
);

interface SweepDoc {
  total: number;
  runs: Array<{ index: number; id: string; seed: number; status: string; file: string }>;
}

describe('spec sweep', () => {
  it('grids: cartesian product in key order, seeds from the flag combination, shards partition the runs', () => {
    const runs = parseGrid({ command: 'spectrum', n: [1, 2, 3], activation: ['tanh', 'relu'], d0: 5 }, 'g', [
      'spectrum',
    ]);
    expect(runs.map((r) => `${r.flags.n}${r.flags.activation}`)).toEqual([
      '1tanh',
      '1relu',
      '2tanh',
      '2relu',
      '3tanh',
      '3relu',
    ]);
    expect(runs[0].seed).toBe(runSeed('spectrum', { d0: 5, activation: 'tanh', n: 1 })); // order-free
    expect(new Set(runs.map((r) => r.seed)).size).toBe(6);
    const shards = [1, 2, 3, 4].map((k) => shardRuns(runs, { k, count: 4 }).map((r) => r.index));
    expect(shards.flat().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(shards[0]).toEqual([1, 5]);
  });

  it('a 2×2 grid: shards 1/2 and 2/2 write disjoint halves, a rerun skips them, merge writes 4 CSV rows', async () => {
    const out = join(tmp, 'out');
    const a = await run('sweep', '--grid', grid, '--out', out, '--shard', '1/2', '--json');
    expect(a.code, a.stderr).toBe(0);
    const b = await run('sweep', '--grid', grid, '--out', out, '--shard', '2/2', '--json');
    expect(b.code, b.stderr).toBe(0);
    const da = JSON.parse(a.stdout) as SweepDoc;
    const db = JSON.parse(b.stdout) as SweepDoc;
    expect(da.total).toBe(4);
    expect(da.runs.map((r) => r.index)).toEqual([1, 3]);
    expect(db.runs.map((r) => r.index)).toEqual([2, 4]);
    expect([...da.runs, ...db.runs].every((r) => r.status === 'done')).toBe(true);
    expect(readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.json'))).toHaveLength(4);

    const again = await run('sweep', '--grid', grid, '--out', out, '--json');
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as SweepDoc).runs.every((r) => r.status === 'skipped')).toBe(true);

    // Each run file holds the command's own JSON, run with the recorded seed.
    const file = da.runs[0].file;
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      seed: number;
      result: { config: { seed: number; n: number } };
    };
    expect(doc.result.config.seed).toBe(doc.seed);
    expect(doc.result.config.n).toBe(40);

    const m = await run('sweep', 'merge', out, '--json');
    expect(m.code, m.stderr).toBe(0);
    const merged = JSON.parse(m.stdout) as { rows: Array<Record<string, unknown>>; columns: string[] };
    expect(merged.rows.map((r) => r.run)).toEqual([1, 2, 3, 4]);
    expect(merged.columns).toEqual(
      expect.arrayContaining(['n', 'activation', 'seed', 'kernels.ck.ks', 'kernels.ntk.ksScaled']),
    );
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8').trimEnd().split('\n');
    expect(csv).toHaveLength(5); // header + 4 runs
    expect(csv.join('\n')).not.toMatch(/NaN|undefined/);
    expect((await run('sweep', 'merge', out)).code).toBe(2); // summary.csv exists: no overwrite without --force
    expect((await run('sweep', 'merge', out, '--force')).code).toBe(0);
  });

  it('bad grids and shards exit 2 with one line', async () => {
    const bad = (name: string, content: string): string => {
      const p = join(tmp, name);
      writeFileSync(p, content);
      return p;
    };
    const cases: string[][] = [
      ['sweep', '--grid', grid, '--out', join(tmp, 'x'), '--shard', '0/3'],
      ['sweep', '--grid', grid, '--out', join(tmp, 'x'), '--shard', '4/3'],
      ['sweep', '--grid', grid, '--out', join(tmp, 'x'), '--shard', 'two'],
      ['sweep', '--grid', join(tmp, 'missing.json'), '--out', join(tmp, 'x')],
      ['sweep', '--grid', bad('notjson.json', '{"command": '), '--out', join(tmp, 'x')],
      ['sweep', '--grid', bad('nocmd.json', '{"n": [1]}'), '--out', join(tmp, 'x')],
      ['sweep', '--grid', bad('empty.json', '{"command": "spectrum", "n": []}'), '--out', join(tmp, 'x')],
      ['sweep', '--grid', bad('nested.json', '{"command": "spectrum", "n": [{"a": 1}]}'), '--out', join(tmp, 'x')],
      ['sweep', '--grid', bad('reserved.json', '{"command": "spectrum", "out": ["a"]}'), '--out', join(tmp, 'x')],
      ['sweep', '--grid', bad('self.json', '{"command": "sweep"}'), '--out', join(tmp, 'x')],
      ['sweep', '--grid', grid],
      ['sweep', 'merge', join(tmp, 'nowhere')],
      ['sweep', 'merge'],
    ];
    for (const argv of cases) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expectOneErrorLine(r);
    }
  });

  it('a run that fails (bad flag value in the grid) writes no file and exits 2 after the others', async () => {
    const p = join(tmp, 'badvalue.json');
    writeFileSync(p, JSON.stringify({ command: 'spectrum', n: [40, 'abc'], d0: 30, widths: '45', points: 200 }));
    const out = join(tmp, 'badout');
    const r = await run('sweep', '--grid', p, '--out', out);
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toContain('1 of 2 runs failed');
    expect(readdirSync(join(out, 'runs'))).toHaveLength(1);
  });

  it('--jobs 2 runs the grid on two worker threads and writes the same run files as one run at a time', async () => {
    const one = join(tmp, 'jobs1');
    const two = join(tmp, 'jobs2');
    const a = await run('sweep', '--grid', grid, '--out', one, '--json');
    expect(a.code, a.stderr).toBe(0);
    const b = await run('sweep', '--grid', grid, '--out', two, '--jobs', '2', '--json');
    expect(b.code, b.stderr).toBe(0);
    const doc = JSON.parse(b.stdout) as SweepDoc;
    expect(doc.runs.map((r) => r.index)).toEqual([1, 2, 3, 4]);
    expect(doc.runs.every((r) => r.status === 'done')).toBe(true);
    for (const r of doc.runs) {
      const name = r.file.slice(r.file.lastIndexOf('/') + 1);
      const x = JSON.parse(readFileSync(join(one, 'runs', name), 'utf8')) as { result: unknown };
      const y = JSON.parse(readFileSync(join(two, 'runs', name), 'utf8')) as { result: unknown };
      // Each run's seed comes from the grid, so the thread that ran it cannot change a single number.
      expect(y.result).toEqual(x.result);
    }
    expectOneErrorLine(await run('sweep', '--grid', grid, '--out', join(tmp, 'jobs0'), '--jobs', '0'));
  });

  it('a run is its whole configuration: a changed fixed key re-runs every point, and merge refuses the mix', async () => {
    const out = join(tmp, 'changed');
    const first = join(tmp, 'grid-w45.json');
    const second = join(tmp, 'grid-w30.json');
    const base = { command: 'spectrum', n: [40, 50], d0: 30, points: 200 };
    writeFileSync(first, JSON.stringify({ ...base, widths: '45' }));
    writeFileSync(second, JSON.stringify({ ...base, widths: '30' }));
    const a = await run('sweep', '--grid', first, '--out', out, '--json');
    expect(a.code, a.stderr).toBe(0);
    // Only the fixed key "widths" changed: same index, same varied values, same seed — yet nothing may be skipped.
    const b = await run('sweep', '--grid', second, '--out', out, '--json');
    expect(b.code, b.stderr).toBe(0);
    const docB = JSON.parse(b.stdout) as SweepDoc;
    expect(docB.runs.map((r) => r.status)).toEqual(['done', 'done']);
    const files = readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(4);
    for (const f of docB.runs.map((r) => r.file)) {
      const doc = JSON.parse(readFileSync(f, 'utf8')) as {
        flags: { widths: string };
        result: { config: { widths: number[] } };
      };
      expect(doc.flags.widths).toBe('30');
      expect(doc.result.config.widths).toEqual([30]);
    }
    // Re-running the second grid skips exactly its own two runs.
    const again = JSON.parse((await run('sweep', '--grid', second, '--out', out, '--json')).stdout) as SweepDoc;
    expect(again.runs.map((r) => r.status)).toEqual(['skipped', 'skipped']);

    const refused = await run('sweep', 'merge', out);
    expect(refused.code).toBe(2);
    expect(expectOneErrorLine(refused)).toMatch(/2 different grids.*--mixed-grids/);
    const mixed = await run('sweep', 'merge', out, '--mixed-grids', '--json');
    expect(mixed.code, mixed.stderr).toBe(0);
    const rows = (JSON.parse(mixed.stdout) as { rows: Array<Record<string, unknown>> }).rows;
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.grid)).size).toBe(2);
  });
});
