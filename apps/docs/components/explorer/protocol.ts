/** Messages between the spectrum explorer page and its Web Worker. */

/** What the page asks the worker to compute. */
export interface ExplorerConfig {
  /** Activation name from the registry (normalised to mean 0, variance 1 under N(0, 1)). */
  readonly activation: string;
  /** Hidden widths d1, …, dL (depth L = widths.length). */
  readonly widths: ReadonlyArray<number>;
  /** Number of samples (the kernel is n × n). */
  readonly n: number;
  /** Input dimension. */
  readonly d0: number;
  /** Synthetic data: i.i.d. Gaussian columns, or Gaussian columns normalised onto the unit sphere. */
  readonly data: 'gaussian' | 'sphere';
  /** Which kernel to show. */
  readonly kernel: 'ck' | 'ntk';
  /** Compute backend: try gpu.js (WebGL) first, or the float64 CPU backend only. */
  readonly backend: 'auto' | 'cpu';
  readonly seed: number;
}

export interface RunRequest {
  readonly type: 'run';
  readonly id: number;
  readonly config: ExplorerConfig;
}

export interface ProgressMessage {
  readonly type: 'progress';
  readonly id: number;
  /** What is running, e.g. "eigenvalues". */
  readonly stage: string;
  /** Overall fraction done, in [0, 1]. */
  readonly fraction: number;
}

/** A histogram with counts (summing to the number of eigenvalues) and the density-normalised heights. */
export interface HistogramData {
  readonly edges: ReadonlyArray<number>;
  readonly counts: ReadonlyArray<number>;
  readonly density: ReadonlyArray<number>;
}

export interface ResultMessage {
  readonly type: 'result';
  readonly id: number;
  readonly config: ExplorerConfig;
  /** Ascending eigenvalues of the empirical kernel. */
  readonly eigenvalues: Float64Array;
  readonly histogram: HistogramData;
  /** Limit density on a grid, plus point masses. */
  readonly limit: {
    readonly x: ReadonlyArray<number>;
    readonly density: ReadonlyArray<number>;
    readonly atoms: ReadonlyArray<{ readonly x: number; readonly mass: number }>;
  };
  /** Kolmogorov–Smirnov distance between the empirical spectrum and the limit law. */
  readonly ks: number | null;
  /** Which backend computed the products, e.g. "gpujs:webgl2" or "cpu". */
  readonly backend: string;
  /** Why gpu.js was not used, when it was not. */
  readonly backendNote: string | null;
  readonly milliseconds: number;
}

export interface ErrorMessage {
  readonly type: 'error';
  readonly id: number;
  readonly message: string;
}

export type WorkerMessage = ProgressMessage | ResultMessage | ErrorMessage;
