import { createRng } from '@spec/core';
import { dataGramInput, limitJob, type LimitInput } from '@spec/experiments';
import { Option } from 'commander';
import { activationFromFlags } from '../activation-flag.js';
import { diagnosticsJson, diagnosticsLine, loadData } from '../data-source.js';
import type { OrthonormalityDiagnostics } from '@spec/data';
import { limitJson, limitNotes } from '../limit-json.js';
import { addNetworkFlags, DEFAULTS, type NetworkFlags } from '../network-flags.js';
import { limitPoints } from '../options.js';
import type { CommandModule } from '../program.js';
import { toJson } from '../output/context.js';

interface LimitFlags extends NetworkFlags {
  points: number;
}

export const limitCommand: CommandModule = {
  name: 'limit',
  summary: 'limit densities of the CK and NTK spectra (linear-width theory, no sampling)',
  configure(cmd) {
    addNetworkFlags(cmd, { data: true });
    cmd.addOption(new Option('--points <int>', 'grid points of each density').argParser(limitPoints).default(1000));
    cmd.addHelpText(
      'after',
      `
The limit laws are those of apps/docs/theory/fan-wang.md#ck-limit (CK: iterated Marchenko–Pastur map) and
apps/docs/theory/fan-wang.md#ntk-surrogate, #ntk-fixed-point (NTK: fixed point for r₊I + Σ q_ℓ K_ℓ) for the
ratios n/d_ℓ. Gaussian and sphere data use the MP law for XᵀX (ratio n/d0); real
data (--data digits, npy:PATH, …) use the data's own XᵀX spectrum. Each density integrates, with its atoms,
to 1.`,
    );
  },
  async run(options, env) {
    const flags = options as unknown as LimitFlags;
    const activation = activationFromFlags(flags);
    let input: LimitInput = { kind: 'mp' };
    let d0 = flags.d0 ?? DEFAULTS.d0;
    let n = flags.n;
    let dataLabel = flags.data;
    let diagnostics: OrthonormalityDiagnostics | undefined;
    if (flags.data !== 'gaussian' && flags.data !== 'sphere') {
      const loaded = await loadData(flags, createRng(env.globals.seed).split('data'), env);
      input = dataGramInput(loaded.dataset.X, await env.backend());
      d0 = loaded.dataset.X.rows;
      n = loaded.dataset.X.cols;
      dataLabel = loaded.dataset.source;
      diagnostics = loaded.diagnostics;
    }
    const names = flags.kernel === 'both' ? (['ck', 'ntk'] as const) : ([flags.kernel] as const);
    const out = env.figureOut('limit');
    out.reserve(['limit.json', ...names.map((k) => `${k}-limit.svg`)]);

    const tick = env.progress.phase('limit densities');
    tick(0, 1);
    const result = limitJob({
      n,
      d0,
      widths: flags.widths,
      activation,
      kernel: flags.kernel,
      input,
      points: flags.points,
    });
    tick(1, 1);

    const kernels: Record<string, unknown> = {};
    for (const k of names) kernels[k] = { limit: limitJson(result[k]!) };
    for (const k of names) for (const line of limitNotes(k, result[k])) env.out.note(line);
    const doc = {
      command: 'limit',
      config: {
        n,
        d0,
        widths: flags.widths,
        activation: flags.activation,
        rawActivation: flags.rawActivation,
        kernel: flags.kernel,
        data: dataLabel,
        points: flags.points,
      },
      constants: { a: result.a, b: result.b, samplesPerNeuron: result.samplesPerNeuron },
      ...(diagnostics !== undefined ? { dataDiagnostics: diagnosticsJson(diagnostics) } : {}),
      kernels,
    };
    env.out.emitJson(doc);
    if (diagnostics !== undefined) env.out.say(diagnosticsLine(diagnostics));
    if (out.outDir !== undefined) {
      out.write('limit.json', toJson(doc));
      // Imported here: the figure modules load Observable Plot and linkedom, which a run without figures does not need.
      const { spectrumSvg } = await import('../plots/spectrum-plot.js');
      for (const k of names) {
        const lim = result[k]!;
        out.write(`${k}-limit.svg`, spectrumSvg({ title: `${k.toUpperCase()} limit density`, bins: [], limit: lim }));
      }
    }
    env.out.say(
      `${flags.activation}${flags.rawActivation ? ' (raw)' : ''}: a = ${result.a.toFixed(6)}, b = ${result.b.toFixed(6)}; n/d = ${result.samplesPerNeuron.map((g) => g.toFixed(3)).join(', ')}`,
    );
    for (const k of names) {
      const lim = result[k]!;
      const support = lim.support.map(([lo, hi]) => `[${lo.toFixed(4)}, ${hi.toFixed(4)}]`).join(' ∪ ');
      const atoms = lim.atoms.length
        ? `; atoms ${lim.atoms.map((a) => `${a.mass.toFixed(4)} at ${a.x}`).join(', ')}`
        : '';
      env.out.say(`${k.toUpperCase()} limit: mean ${lim.mean.toFixed(4)}, support ${support}${atoms}`);
    }
    if (out.outDir !== undefined) env.out.say(`figures and JSON written to ${out.outDir}`);
  },
};
