import { type Matrix, SpecError } from '@spec/core';
import { centerSamples } from './center.js';
import type { DataLinalg } from './linalg.js';
import { normalizeSamples } from './normalize.js';
import { componentsFromStatistics, deflateWith, principalComponents, whitenWith } from './pca.js';
import type { SampleStatistics } from './statistics.js';

/**
 * What is done to the samples before the (optional) unit-norm scaling, as `--preprocess` names it:
 * - `none`: nothing;
 * - `center`: subtract the subset's mean sample;
 * - `whiten`: PCA-whiten to `components` = K directions (`whiten:K`): z = Λ_K^{-1/2} U_Kᵀ (x − μ);
 * - `deflate`: remove the top `components` = R principal directions (`deflate:R`), no whitening:
 *   x − μ − U_R U_Rᵀ (x − μ).
 */
export type PreprocessMethod = 'none' | 'center' | 'whiten' | 'deflate';

/** Where the mean and covariance of `whiten` and `deflate` come from. */
export type StatisticsSource = 'split' | 'subset';

/** Preprocessing of real data: grayscale (CIFAR-10), then `method`, then unit norm. */
export interface PreprocessOptions {
  /** Default `'center'` for real data, `'none'` for synthetic data. */
  readonly method?: PreprocessMethod;
  /**
   * K of `whiten` (default: every direction with non-negligible variance) or R of `deflate` (required).
   * `E_INPUT` unless 1 ≤ K ≤ d0, 1 ≤ R < d0.
   */
  readonly components?: number;
  /**
   * Statistics of `whiten` and `deflate`: `'split'` (default) the mean and covariance of every sample of the
   * source (the whole Fashion-MNIST split, the whole file), accumulated in chunks; `'subset'` those of the
   * loaded samples themselves. Synthetic data is its own split.
   */
  readonly statistics?: StatisticsSource;
  /** Scale every sample to unit ℓ2 norm afterwards (default: true for real data, false for synthetic). */
  readonly normalize?: boolean;
  /** Convert CIFAR-10 RGB to grayscale, 3072 → 1024 features, when reading (default false; CIFAR-10 only). */
  readonly grayscale?: boolean;
}

/** The preprocessing methods, as `--preprocess` accepts them (K and R after a colon). */
export const PREPROCESS_FORMS = ['none', 'center', 'whiten:K', 'deflate:R'] as const;

/**
 * Parses `--preprocess none | center | whiten:K | deflate:R` (case-insensitive; `whiten` alone keeps
 * every non-null direction). `E_INPUT` naming the valid forms otherwise.
 */
export function parsePreprocess(text: string): Pick<PreprocessOptions, 'method' | 'components'> {
  const t = text.trim().toLowerCase();
  if (t === 'none' || t === 'center' || t === 'whiten') return { method: t };
  const m = /^(whiten|deflate):(\d+)$/.exec(t);
  if (m && Number(m[2]) >= 1) return { method: m[1] as 'whiten' | 'deflate', components: Number(m[2]) };
  throw new SpecError(
    'E_INPUT',
    `--preprocess ${text}: expected one of ${PREPROCESS_FORMS.join(', ')} with K, R positive integers`,
  );
}

/** The `--preprocess` form of a method (inverse of {@link parsePreprocess}), for provenance. */
export function formatPreprocess(options: Pick<PreprocessOptions, 'method' | 'components'>): string {
  const method = options.method ?? 'none';
  if ((method === 'whiten' || method === 'deflate') && options.components !== undefined)
    return `${method}:${options.components}`;
  return method;
}

/**
 * Checks K / R of `whiten` / `deflate` against the data's dimension d0 before anything is read (`E_INPUT`
 * naming the flag-level form): 1 ≤ K ≤ d0 for `whiten`, a given R with 1 ≤ R < d0 for `deflate`.
 */
export function checkPreprocess(options: PreprocessOptions, d0: number): void {
  const { method, components: c } = options;
  if (method === 'whiten' && c !== undefined) {
    if (!Number.isSafeInteger(c) || c < 1)
      throw new SpecError('E_INPUT', `--preprocess whiten:${c}: K must be a positive integer`);
    if (c > d0)
      throw new SpecError(
        'E_INPUT',
        `--preprocess whiten:${c}: K = ${c} exceeds the data's dimension d0 = ${d0}; use K ≤ ${d0}`,
      );
  }
  if (method === 'deflate') {
    if (c === undefined)
      throw new SpecError('E_INPUT', '--preprocess deflate:R needs R, the number of directions to remove');
    if (!Number.isSafeInteger(c) || c < 1 || c >= d0)
      throw new SpecError(
        'E_INPUT',
        `--preprocess deflate:${c}: R must be an integer in 1..${d0 - 1} (below the data's dimension d0 = ${d0})`,
      );
  }
  if ((method === 'center' || method === 'none' || method === undefined) && c !== undefined)
    throw new SpecError('E_INPUT', `--preprocess ${method ?? 'none'}: takes no number of components`);
}

/** Inputs of {@link preprocessSamples}. */
export interface PreprocessContext {
  /** The statistics of the whole split, read only when `whiten`/`deflate` use them (not for `'subset'`). */
  readonly splitStatistics?: () => Promise<SampleStatistics>;
  /** Eigensolver and Gram product (a `Backend` will do). */
  readonly linalg?: DataLinalg;
  /** The data's name, for messages. */
  readonly what: string;
}

/**
 * Applies `method` to the samples X (d × n) and then, if `normalize`, scales them to unit norm. `whiten` and
 * `deflate` use the split's statistics unless `statistics` is `'subset'` or there is no split; with the
 * subset's own statistics, K and R are limited by the subset's rank (at most n − 1).
 */
export async function preprocessSamples(
  X: Matrix,
  options: PreprocessOptions & { readonly method: PreprocessMethod; readonly normalize: boolean },
  context: PreprocessContext,
): Promise<Matrix> {
  checkPreprocess(options, X.rows);
  let Y = X;
  const { method, components } = options;
  if (method === 'center') Y = centerSamples(X);
  else if (method === 'whiten' || method === 'deflate') {
    const useSplit = (options.statistics ?? 'split') === 'split' && context.splitStatistics !== undefined;
    const what = useSplit ? context.what : `the ${X.cols} loaded samples of ${context.what}`;
    if (!useSplit && components !== undefined && components > X.cols - 1) {
      const form = formatPreprocess(options);
      throw new SpecError(
        'E_INPUT',
        `--preprocess ${form} with the statistics of the ${X.cols} loaded samples needs ${method === 'whiten' ? 'K' : 'R'} ≤ n − 1 = ${X.cols - 1} (their centred rank); load more samples or use the split's statistics`,
      );
    }
    const pc = useSplit
      ? componentsFromStatistics(await context.splitStatistics!(), components, { linalg: context.linalg, what })
      : principalComponents(X, components, { linalg: context.linalg });
    Y = method === 'whiten' ? whitenWith(X, pc) : deflateWith(X, pc);
  }
  return options.normalize ? normalizeSamples(Y, context.what) : Y;
}
