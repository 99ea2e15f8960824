#!/usr/bin/env node
// `spec --version` answers without loading commander or any command; everything else goes through runCli, whose
// commands import their modules only when they run (start-up times: bench/README.md#start-up).
const argv = process.argv.slice(2);

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { VERSION } = await import('./version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  // A reader that stops early (`spec … --json | head`) closes the pipe: stop quietly, as other commands do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(argv, {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
  });
}
