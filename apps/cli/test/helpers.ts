import { runCli } from '../src/program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams. */
export async function run(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

/** stderr of a bad-input run must be exactly one line starting with `error: `. */
export function expectOneErrorLine(r: CliResult): string {
  const lines = r.stderr.trimEnd().split('\n');
  if (lines.length !== 1 || !lines[0].startsWith('error: ')) {
    throw new Error(`expected one "error: …" line on stderr, got:\n${r.stderr}`);
  }
  return lines[0];
}
