import { encodeNpy } from '@spec/data';
import type { OutputContext } from './context.js';

/** Default folder for figures when the user gave no --out (a fresh name, so nothing is overwritten). */
export function defaultOutDir(command: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `spec-out/${command}-${stamp}`;
}

/** Writes a float64 vector as a 1-D .npy file. */
export function writeVectorNpy(out: OutputContext, name: string, values: Float64Array): string {
  return out.write(name, encodeNpy(values, [values.length]));
}
