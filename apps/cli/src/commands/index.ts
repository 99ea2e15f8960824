import type { CommandModule } from '../program.js';

/**
 * A subcommand by name; its module (summary, flags, action) is imported only when it is needed — when the command
 * runs, or for help — so a command loads only the packages it uses and `spec --version` loads none of them.
 */
export interface CommandEntry {
  readonly name: string;
  load(): Promise<CommandModule>;
}

/** Every subcommand, in the order `spec --help` lists them. */
export const commands: ReadonlyArray<CommandEntry> = [
  { name: 'spectrum', load: async () => (await import('./spectrum.js')).spectrumCommand },
  { name: 'limit', load: async () => (await import('./limit.js')).limitCommand },
  { name: 'infinite', load: async () => (await import('./infinite.js')).infiniteCommand },
  { name: 'series', load: async () => (await import('./series.js')).seriesCommand },
  { name: 'dispersion', load: async () => (await import('./dispersion.js')).dispersionCommand },
  { name: 'reproduce', load: async () => (await import('./reproduce.js')).reproduceCommand },
  { name: 'sweep', load: async () => (await import('./sweep.js')).sweepCommand },
  { name: 'train', load: async () => (await import('./train.js')).trainCommand },
];
