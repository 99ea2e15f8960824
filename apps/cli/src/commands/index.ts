import type { CommandModule } from '../program.js';
import { dispersionCommand } from './dispersion.js';
import { infiniteCommand } from './infinite.js';
import { limitCommand } from './limit.js';
import { seriesCommand } from './series.js';
import { reproduceCommand } from './reproduce.js';
import { spectrumCommand } from './spectrum.js';
import { sweepCommand } from './sweep.js';
import { trainCommand } from './train.js';

/** Every subcommand, in the order `spec --help` lists them. */
export const commands: ReadonlyArray<CommandModule> = [
  spectrumCommand,
  limitCommand,
  infiniteCommand,
  seriesCommand,
  dispersionCommand,
  reproduceCommand,
  sweepCommand,
  trainCommand,
];
