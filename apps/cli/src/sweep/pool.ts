import { Worker } from 'node:worker_threads';
import { SpecError, workerLaunch } from '@spec/core';
import { type RunOutcome, runOne } from './run-one.js';
import type { SweepRun } from './grid.js';

/** A worker running worker.js next to this module (worker.ts through tsx from the sources: core's `workerLaunch`). */
function startWorker(): Worker {
  const env = { ...process.env, SPEC_CPU_THREADS: '1' };
  const boot = workerLaunch(new URL('./worker.js', import.meta.url), import.meta.url);
  return new Worker(boot.code, {
    eval: true,
    env,
    ...(boot.execArgv !== undefined ? { execArgv: boot.execArgv } : {}),
  });
}

/**
 * Runs the grid points on `jobs` worker threads at once (1: in this thread), calling `done` as each finishes (in
 * completion order). Each worker's CPU backend uses one thread (`SPEC_CPU_THREADS=1`), so `jobs` threads share the
 * cores instead of oversubscribing them. Workers run the same module files as this thread: compiled JavaScript when
 * this thread runs it, the TypeScript sources through tsx's loader otherwise.
 */
export async function runPool(
  runs: ReadonlyArray<SweepRun>,
  backend: string,
  jobs: number,
  done: (run: SweepRun, outcome: RunOutcome) => void,
): Promise<void> {
  if (jobs <= 1 || runs.length <= 1) {
    for (const run of runs) done(run, await runOne(run, backend));
    return;
  }
  const count = Math.min(jobs, runs.length);
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let finished = 0;
      const feed = (worker: Worker): void => {
        if (next >= runs.length) return;
        const slot = next++;
        worker.postMessage({ slot, run: runs[slot], backend });
      };
      for (let w = 0; w < count; w++) {
        const worker = startWorker();
        workers.push(worker);
        worker.on('message', (m: { slot: number; outcome: RunOutcome }) => {
          done(runs[m.slot], m.outcome);
          if (++finished === runs.length) resolve();
          else feed(worker);
        });
        worker.on('error', (e) => reject(new SpecError('E_INPUT', `sweep worker thread failed: ${e.message}`)));
        worker.on('exit', (code) => {
          if (finished < runs.length)
            reject(new SpecError('E_INPUT', `sweep worker thread exited (code ${code}) with runs unfinished`));
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
