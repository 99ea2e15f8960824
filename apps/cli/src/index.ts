/**
 * The `spec` command as a library: `runCli(argv, streams)` returns the exit code.
 *
 * @packageDocumentation
 */
export { runCli, buildProgram, type CommandModule } from './program.js';
export type { Streams, OutputContext } from './output/context.js';
