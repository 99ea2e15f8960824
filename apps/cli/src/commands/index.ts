import type { CommandModule } from '../program.js';

/** Every subcommand, in the order `spec --help` lists them. */
export const commands: ReadonlyArray<CommandModule> = [];
