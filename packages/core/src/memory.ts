import { SpecError } from './errors.js';

/** Memory the job may use: 80% of the machine's total memory (Node), or Infinity where it cannot be known. */
export function availableMemoryBytes(): number {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') return Infinity;
  const os = process.getBuiltinModule('node:os');
  return 0.8 * os.totalmem();
}

/** Bytes as GiB with one decimal, for messages. */
export function formatGiB(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * Throws `E_MEMORY` (before anything is allocated) when `need` bytes exceed `limit`, saying how much the job
 * would need and what to try.
 */
export function assertFitsInMemory(need: number, limit: number, what: string, advice: string): void {
  if (need > limit) {
    throw new SpecError(
      'E_MEMORY',
      `${what} would need about ${formatGiB(need)} but only ${formatGiB(limit)} may be used (80% of this machine's memory); ${advice}`,
    );
  }
}
