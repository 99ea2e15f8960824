/**
 * A worker thread of `parallelBlockwiseKernels` (parallel-blockwise.ts), kept between jobs. For each job it registers the
 * caller's plugin modules it has not imported yet, rebuilds the chain of block maps from the spec, runs pass 1 for its
 * own variances, then takes rows from the job's shared counter and writes them into the shared outputs until none is
 * left. Whatever happens, it counts itself stopped, so the caller never waits for it.
 */
import { parentPort } from 'node:worker_threads';
import { SpecError, importPlugin, registry } from '@spec/core';
import { registerBuiltins } from '../plugin.js';
import { blockwisePlan } from './blockwise-kernels.js';
import { kernelMapFromSpec } from './from-spec.js';
import { BY_WORKER, NEXT_ROW, PROGRESS, STOPPED, type BlockwiseJob } from './parallel-blockwise.js';

registerBuiltins();
const imported = new Set<string>();

async function run(job: BlockwiseJob, control: Int32Array): Promise<void> {
  const rowsDone = new Int32Array(job.rowsDone);
  for (const p of job.plugins) {
    if (imported.has(p.url)) continue;
    registry.use(await importPlugin(p.url), { override: p.override, module: p.url });
    imported.add(p.url);
  }
  const spatial = job.shape.slice(1, -1);
  const map = kernelMapFromSpec(job.spec);
  const maps = job.form === 'full' ? map.blocks?.(spatial) : map.diagonalBlocks?.(spatial);
  if (maps === undefined) throw new SpecError('E_INPUT', 'blockwise worker: the spec has no block maps here');
  const n = job.shape[0];
  // Nothing left to take: skip pass 1.
  if (Atomics.load(control, NEXT_ROW) >= n) return;
  const plan = blockwisePlan(job.data, job.shape, maps, job.form);
  const out = { nngp: new Float64Array(job.nngp), ntk: new Float64Array(job.ntk) };
  plan.diagonal();
  for (;;) {
    const a = Atomics.add(control, NEXT_ROW, 1);
    if (a >= n) return;
    plan.row(a, out);
    Atomics.store(rowsDone, a, BY_WORKER);
    Atomics.add(control, PROGRESS, 1);
    Atomics.notify(control, PROGRESS);
  }
}

parentPort?.on('message', (job: BlockwiseJob) => {
  const control = new Int32Array(job.control);
  run(job, control)
    .catch((e: unknown) => {
      job.failures.postMessage({ message: e instanceof Error ? e.message : String(e) });
    })
    .finally(() => {
      Atomics.add(control, STOPPED, 1);
      Atomics.add(control, PROGRESS, 1);
      Atomics.notify(control, PROGRESS);
    });
});
