/**
 * One benchmark case. `pnpm bench` (bench/run.ts) discovers every `bench/*.bench.ts`, whose default
 * export is a `BenchCase[]`, times `run` (median of several repeats) and, where python3 with numpy
 * is present, times the `numpy` snippet in the same run and prints the ratio ours / numpy.
 */
export interface BenchCase {
  /** Group, usually the package: `"backend-cpu"`, `"rmt"`, … */
  readonly group: string;
  /** What is timed, with its size: `"gram 2000×1000"`. */
  readonly name: string;
  /** Untimed preparation; its result is passed to `run`. */
  setup?(): unknown;
  /** The timed work. */
  run(prepared: unknown): unknown;
  /**
   * The same work in Python: statements that define `setup()` (untimed; returns the inputs) and
   * `work(inputs)` (timed). numpy is imported as `np` beforehand.
   */
  readonly numpy?: string;
  /**
   * Threads numpy's BLAS may use for this case (`OPENBLAS_NUM_THREADS` and `OMP_NUM_THREADS`; default: its own
   * choice, every core), for single-thread comparisons.
   */
  readonly numpyThreads?: number;
  /** Timed repeats (default 5); the median is reported. */
  readonly repeats?: number;
  /** A performance target, e.g. `{ maxRatio: 15, source: 'backend target' }`, printed next to the ratio. */
  readonly target?: { readonly maxRatio?: number; readonly maxMs?: number; readonly source: string };
}
