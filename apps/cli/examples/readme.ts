import { runCli } from '@spec/cli';

// The command as a library: the same flags, output captured instead of printed.
let stdout = '';
const code = await runCli(['limit', '--n', '800', '--d0', '600', '--widths', '1000,1000', '--json'], {
  stdout: (s) => void (stdout += s),
  stderr: (s) => void process.stderr.write(s),
});
interface LimitDoc {
  constants: { a: number };
  kernels: { ck: { limit: { mean: number } }; ntk: { limit: { mean: number } } };
}
const { constants, kernels } = JSON.parse(stdout) as LimitDoc;
const a = constants.a; // E σ̃′² of the normalised tanh
console.log('exit code', code);
console.log('CK limit mean', kernels.ck.limit.mean, 'vs 1');
console.log('NTK limit mean', kernels.ntk.limit.mean, 'vs', 1 + a + a * a); // two hidden layers: 1 + a + a²
