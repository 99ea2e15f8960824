import { SpecError, registry, type Activation } from '@spec/core';
import { normalizeActivation } from '../normalize.js';

/**
 * The registered (raw) activation called `name` in the default registry of `@spec/core`, where
 * `@spec/nets` registers its built-ins on import and `use(plugin)` adds more.
 *
 * @throws SpecError `E_INPUT` for an unknown name (the message lists the known ones)
 */
export function getActivation(name: string): Activation {
  return registry.activation(name);
}

/**
 * What `--activation NAME` means (apps/docs/theory/toolkit.md#normalised-activations): the registered activation
 * normalised to mean 0, variance 1 under N(0, 1), or the raw one with `{ raw: true }` (`--raw-activation`). An
 * Activation object is passed through (normalised unless `raw`).
 */
export function resolveActivation(
  activation: Activation | string,
  options: { readonly raw?: boolean } = {},
): Activation {
  const act = typeof activation === 'string' ? getActivation(activation) : activation;
  if (act === null || typeof act !== 'object' || typeof act.fn !== 'function' || typeof act.deriv !== 'function') {
    throw new SpecError('E_INPUT', `an activation needs functions fn(x) and deriv(x), got ${String(activation)}`);
  }
  probe(act);
  return options.raw ? act : normalizeActivation(act);
}

/** Points where a plugin's φ and φ′ are tried once, so one that throws fails here with its name, not deep inside. */
const PROBE_POINTS = [0, 0.5, -1, 2.5];

function probe(act: Activation): void {
  for (const x of PROBE_POINTS) {
    for (const [what, f] of [
      ['fn', act.fn],
      ['deriv', act.deriv],
    ] as const) {
      let v: unknown;
      try {
        v = f(x);
      } catch (e) {
        throw new SpecError(
          'E_INPUT',
          `activation "${act.name}": ${what}(${x}) threw "${(e as Error)?.message ?? String(e)}" — fix the plugin that defines it`,
          { cause: e },
        );
      }
      if (typeof v !== 'number') {
        throw new SpecError('E_INPUT', `activation "${act.name}": ${what}(${x}) returned ${typeof v}, not a number`);
      }
    }
  }
}

/** An Activation given as an object, or by registry name (raw, as registered). */
export function activationOption(activation: Activation | string | undefined, where: string): Activation {
  if (activation === undefined) throw new SpecError('E_INPUT', `${where}: option "activation" is required`);
  return resolveActivation(activation, { raw: true });
}
