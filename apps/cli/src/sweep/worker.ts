/**
 * A sweep worker thread (see `runPool` in pool.ts): runs the grid points it is sent, one at a time, and posts back
 * each outcome. Runs are independent (each has its own seed), so which thread runs one does not change its result.
 */
import { parentPort } from 'node:worker_threads';
import { runOne } from './run-one.js';
import type { SweepRun } from './grid.js';

interface Job {
  readonly slot: number;
  readonly run: SweepRun;
  readonly backend: string;
}

parentPort?.on('message', (job: Job) => {
  void runOne(job.run, job.backend)
    .catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e), code: 1 }))
    .then((outcome) => parentPort?.postMessage({ slot: job.slot, outcome }));
});
