import { SpecError } from '@spec/core';

/** A sorted float64 copy of a sample; throws E_INPUT on NaN/±∞ or an empty sample. */
export function sortedSample(sample: ArrayLike<number>, where: string): Float64Array {
  if (sample.length === 0) throw new SpecError('E_INPUT', `${where}: the sample is empty`);
  const s = Float64Array.from(sample);
  for (let i = 0; i < s.length; i++) {
    if (!Number.isFinite(s[i]))
      throw new SpecError('E_INPUT', `${where}: sample value ${i} is ${s[i]}; remove NaN/∞ first`);
  }
  return s.sort();
}
