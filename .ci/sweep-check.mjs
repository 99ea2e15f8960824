// Observable checks of `spec sweep` results for the cluster CI step (.ci/slurm-sweep.sh). They rely only on what
// the sweep documents: each finished grid point is one JSON file in DIR/runs/ holding its `flags`; grid points are
// numbered in the cartesian product with the first key varying slowest, and shard k/N takes points k, k+N, …
//   node .ci/sweep-check.mjs shard-count GRID DIR K N          results of shard K/N so far
//   node .ci/sweep-check.mjs snapshot DIR > FILE                the result files with their inode and mtime
//   node .ci/sweep-check.mjs restarted GRID DIR FILE K N        kept files untouched, only missing points rerun
//   node .ci/sweep-check.mjs complete GRID DIR                  exactly one result per grid point
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** @typedef {string | number | boolean} GridValue */

/**
 * The grid's points in order: canonical keys of their flag values (keys in grid order).
 * @param {string} path
 * @returns {{ keys: string[], points: string[] }}
 */
function gridPoints(path) {
  /** @type {Record<string, GridValue | GridValue[]>} */
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  const keys = Object.keys(doc).filter((k) => k !== 'command' && k !== 'seed');
  /** @type {GridValue[][]} */
  let points = [[]];
  for (const k of keys) {
    const values = Array.isArray(doc[k]) ? doc[k] : [doc[k]];
    points = points.flatMap((p) => values.map((v) => [...p, v]));
  }
  return { keys, points: points.map((p) => JSON.stringify(p)) };
}

/**
 * The result files under DIR/runs and the grid point each holds.
 * @param {string} dir
 * @param {string[]} keys
 * @returns {Array<{ file: string, point: string }>}
 */
function results(dir, keys) {
  const runs = join(dir, 'runs');
  let names;
  try {
    names = readdirSync(runs);
  } catch {
    return [];
  }
  return names
    .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
    .map((f) => {
      const { flags } = JSON.parse(readFileSync(join(runs, f), 'utf8'));
      return { file: f, point: JSON.stringify(keys.map((k) => flags[k])) };
    });
}

/**
 * Grid points of shard k/N.
 * @param {string[]} points
 * @param {number} k
 * @param {number} n
 */
const shardOf = (points, k, n) => new Set(points.filter((_, i) => i % n === k - 1));

/** @param {string} message */
function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'shard-count') {
  const [grid, dir, k, n] = args;
  const { keys, points } = gridPoints(grid);
  const mine = shardOf(points, Number(k), Number(n));
  console.log(results(dir, keys).filter((r) => mine.has(r.point)).length);
} else if (command === 'snapshot') {
  const runs = join(args[0], 'runs');
  /** @type {Record<string, [number, number]>} */
  const snap = {};
  for (const f of readdirSync(runs)) {
    const st = statSync(join(runs, f), { bigint: true });
    snap[f] = [Number(st.ino), Number(st.mtimeNs)];
  }
  console.log(JSON.stringify(snap));
} else if (command === 'restarted') {
  const [grid, dir, snapFile, k, n] = args;
  const { keys, points } = gridPoints(grid);
  /** @type {Record<string, [number, number]>} */
  const before = JSON.parse(readFileSync(snapFile, 'utf8'));
  for (const [f, [ino, mtime]] of Object.entries(before)) {
    const st = statSync(join(dir, 'runs', f), { bigint: true, throwIfNoEntry: false });
    if (st === undefined) fail(`the restart removed ${f}`);
    else if (Number(st.ino) !== ino || Number(st.mtimeNs) !== mtime) fail(`the restart rewrote ${f}, already finished`);
  }
  const all = results(dir, keys);
  const fresh = all.filter((r) => !(r.file in before));
  const missing = new Set(
    [...shardOf(points, Number(k), Number(n))].filter((p) => !all.some((r) => r.point === p && r.file in before)),
  );
  const rerun = new Set(fresh.map((r) => r.point));
  if (fresh.length !== rerun.size || [...rerun].some((p) => !missing.has(p)) || rerun.size !== missing.size)
    fail(`the restart wrote ${fresh.length} results; expected exactly the ${missing.size} missing of shard ${k}/${n}`);
  console.log(
    `  ok: the restart kept ${Object.keys(before).length} finished results untouched and ran only the ${missing.size} missing`,
  );
} else if (command === 'complete') {
  const [grid, dir] = args;
  const { keys, points } = gridPoints(grid);
  const all = results(dir, keys);
  const count = new Map(points.map((p) => [p, 0]));
  for (const r of all) {
    if (!count.has(r.point)) fail(`${r.file} holds ${r.point}, which is not a point of ${grid}`);
    count.set(r.point, (count.get(r.point) ?? 0) + 1);
  }
  const wrong = [...count].filter(([, c]) => c !== 1);
  if (wrong.length > 0)
    fail(`grid points without exactly one result: ${wrong.map(([p, c]) => `${p} × ${c}`).join(', ')}`);
  console.log(`  ok: each of the ${points.length} grid points has exactly one result`);
} else {
  fail('usage: node .ci/sweep-check.mjs shard-count|snapshot|restarted|complete …');
}
