#!/usr/bin/env node
import { runCli } from './program.js';

// A reader that stops early (`spec … --json | head`) closes the pipe: stop quietly, as other commands do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const code = await runCli(process.argv.slice(2), {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
});
process.exitCode = code;
