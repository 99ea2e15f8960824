import { runArgv, type SweepRun } from './grid.js';

/** What one grid point gave: its JSON document, or the first line of its error and the exit code. */
export type RunOutcome = { doc: unknown } | { error: string; code: number };

/** Runs one grid point in this thread (`runCli` with `--json` captured). */
export async function runOne(run: SweepRun, backend: string): Promise<RunOutcome> {
  // Imported here: program.ts imports the command list, which imports the sweep command.
  const { runCli } = await import('../program.js');
  let stdout = '';
  let stderr = '';
  const argv = [...runArgv(run), '--backend', backend];
  const code = await runCli(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  if (code !== 0)
    return {
      error:
        stderr
          .trim()
          .split('\n')[0]
          ?.replace(/^error:\s*/, '') || `exit code ${code}`,
      code,
    };
  try {
    return { doc: JSON.parse(stdout) as unknown };
  } catch {
    return { error: `spec ${argv.join(' ')} printed no JSON document`, code: 1 };
  }
}
