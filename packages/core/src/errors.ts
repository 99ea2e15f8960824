/**
 * Error codes shared by every spec package. A caller (the CLI, a script) can switch on `code`
 * without parsing messages.
 *
 * - `E_INPUT`: a bad argument (negative size, impossible ratio, unknown name)
 * - `E_SHAPE`: matrix dimensions that do not fit together
 * - `E_DATA`: an unreadable, truncated or invalid data file, or NaN/Inf in data
 * - `E_CONVERGENCE`: an iterative solver did not converge
 * - `E_MEMORY`: the request would not fit in memory
 * - `E_BACKEND`: a compute backend cannot run here
 */
export type SpecErrorCode = 'E_INPUT' | 'E_SHAPE' | 'E_DATA' | 'E_CONVERGENCE' | 'E_MEMORY' | 'E_BACKEND';

/** The one error type thrown by spec packages. Messages say what, where, and what to try. */
export class SpecError extends Error {
  readonly code: SpecErrorCode;

  constructor(code: SpecErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpecError';
    this.code = code;
  }
}

/** True when `e` is a {@link SpecError} (also across duplicated module instances). */
export function isSpecError(e: unknown): e is SpecError {
  return (
    e instanceof SpecError ||
    (e instanceof Error && e.name === 'SpecError' && typeof (e as SpecError).code === 'string')
  );
}
