import { type Rng, SpecError } from '@spec/core';

/**
 * How the samples of a real data set are chosen (`--subset`): the `first` n in file order, a seeded
 * `random` n, or `balanced`: n / (number of classes) of each class, drawn at random (seeded).
 */
export type SubsetRule = 'first' | 'random' | 'balanced';

/** The subset rules, as `--subset` accepts them. */
export const SUBSET_RULES: readonly SubsetRule[] = ['first', 'random', 'balanced'];

/** Options of {@link selectSubset}. */
export interface SubsetOptions {
  /** Rule (default `'first'`). */
  readonly rule?: SubsetRule;
  /**
   * Samples wanted. Default: all candidates, capped at `cap`. More than the data holds takes all of it and
   * adds a note; more than one class holds (with `classLabel`, or per class with `balanced`) is `E_INPUT`.
   */
  readonly n?: number;
  /** Default sample count cap when `n` is not given (default: none). */
  readonly cap?: number;
  /** Keep only the samples of this class (`--class`); needs labels. */
  readonly classLabel?: number;
  /** Randomness of `random` and `balanced` (seeded by the caller; `first` needs none). */
  readonly rng?: Rng;
  /** The data's name, for messages (default `'the data'`). */
  readonly what?: string;
}

/** A chosen subset: the samples' indices in the source, in the order they become columns. */
export interface Subset {
  readonly indices: Int32Array;
  /** Remarks for the user (e.g. fewer samples than asked for), one line each. */
  readonly notes: string[];
}

/** Parses `--subset` (`first | random | balanced`, case-insensitive); `E_INPUT` listing the valid ones. */
export function parseSubsetRule(text: string): SubsetRule {
  const rule = text.trim().toLowerCase();
  if ((SUBSET_RULES as readonly string[]).includes(rule)) return rule as SubsetRule;
  throw new SpecError('E_INPUT', `--subset ${text}: unknown rule (valid: ${SUBSET_RULES.join(', ')})`);
}

/** Moves a uniformly random choice of `k` entries of `pool` to its front (partial Fisher–Yates) and returns them. */
function drawWithoutReplacement(pool: Int32Array, k: number, rng: Rng): Int32Array {
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(pool.length - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, k);
}

function needRng(rule: SubsetRule, rng: Rng | undefined): Rng {
  if (rng === undefined) throw new SpecError('E_INPUT', `--subset ${rule} needs a seeded random generator`);
  return rng;
}

function classesOf(labels: Int32Array): number[] {
  return [...new Set(labels)].sort((a, b) => a - b);
}

function listClasses(classes: number[]): string {
  return classes.length > 12 ? `${classes.slice(0, 12).join(', ')}, …` : classes.join(', ');
}

/**
 * Chooses which samples of a source with `count` samples (and optional integer `labels`, one per sample)
 * to load. `first` keeps file order; `random` and `balanced` are reproducible from `rng` and come in the
 * drawn order (balanced: the classes interleaved at random), so a caller splitting the columns into
 * train and test gets a random split. `balanced` gives each class ⌊n/k⌋ samples (k classes present) and one
 * more to the first n mod k classes in label order.
 *
 * `E_INPUT` for a non-positive n, a class filter or `balanced` without labels, a class that is not
 * present, n larger than the class (or a class smaller than its balanced share), and `balanced` with a
 * class filter. n larger than the whole data set is not an error: all of it is taken (in the rule's order)
 * and a note says so.
 */
export function selectSubset(count: number, labels: Int32Array | undefined, options: SubsetOptions = {}): Subset {
  const rule = options.rule ?? 'first';
  const what = options.what ?? 'the data';
  const notes: string[] = [];
  const { n, classLabel } = options;
  if (n !== undefined && (!Number.isSafeInteger(n) || n < 1))
    throw new SpecError('E_INPUT', `--n must be a positive integer, got ${n}`);
  if ((classLabel !== undefined || rule === 'balanced') && labels === undefined) {
    const flag = classLabel !== undefined ? `--class ${classLabel}` : '--subset balanced';
    throw new SpecError('E_INPUT', `${flag} needs class labels, and ${what} has none`);
  }
  if (labels !== undefined && labels.length !== count)
    throw new SpecError('E_SHAPE', `${what}: ${labels.length} labels for ${count} samples`);

  let pool = Int32Array.from({ length: count }, (_, i) => i);
  if (classLabel !== undefined) {
    if (rule === 'balanced')
      throw new SpecError(
        'E_INPUT',
        `--subset balanced with --class ${classLabel}: one class is balanced already; use --subset random`,
      );
    pool = pool.filter((i) => labels![i] === classLabel);
    if (pool.length === 0) {
      throw new SpecError(
        'E_INPUT',
        `--class ${classLabel}: ${what} has no sample of class ${classLabel} (classes present: ${listClasses(classesOf(labels!))})`,
      );
    }
    if (n !== undefined && n > pool.length) {
      throw new SpecError(
        'E_INPUT',
        `--n ${n} with --class ${classLabel}: ${what} holds only ${pool.length} samples of class ${classLabel}; pass --n ${pool.length} or less`,
      );
    }
  }

  let m = n ?? Math.min(pool.length, options.cap ?? pool.length);
  if (m > pool.length) {
    notes.push(`${what} holds ${pool.length} samples, fewer than the ${m} asked for: using all ${pool.length}`);
    m = pool.length;
  }

  if (rule === 'first') return { indices: pool.slice(0, m), notes };
  const rng = needRng(rule, options.rng);
  if (rule === 'random') return { indices: drawWithoutReplacement(pool, m, rng), notes };

  // balanced
  const classes = classesOf(labels!);
  const k = classes.length;
  const byClass = new Map<number, number[]>(classes.map((c) => [c, []]));
  for (let i = 0; i < count; i++) byClass.get(labels![i])!.push(i);
  const picked: number[] = [];
  classes.forEach((c, r) => {
    const want = Math.floor(m / k) + (r < m % k ? 1 : 0);
    const members = Int32Array.from(byClass.get(c)!);
    if (want > members.length) {
      throw new SpecError(
        'E_INPUT',
        `--subset balanced with --n ${m}: class ${c} of ${what} holds only ${members.length} samples, fewer than its share of ${want}; pass --n ${members.length * k} or less`,
      );
    }
    picked.push(...drawWithoutReplacement(members, want, rng));
  });
  return { indices: drawWithoutReplacement(Int32Array.from(picked), picked.length, rng), notes };
}
