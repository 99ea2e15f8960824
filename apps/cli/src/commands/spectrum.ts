import { createRng } from '@spec/core';
import {
  SLQ_AUTO_MIN_N,
  planSpectrum,
  spectrumJob,
  type Comparison,
  type KernelSpectrum,
  type LimitKind,
  type LimitName,
  type SpectrumStage,
} from '@spec/experiments';
import { parseDataSpec } from '@spec/data';
import { Option } from 'commander';
import { activationFromFlags } from '../activation-flag.js';
import { diagnosticsJson, diagnosticsLine, loadData, syntheticSizes } from '../data-source.js';
import { limitJson, limitNotes } from '../limit-json.js';
import { addNetworkFlags, type NetworkFlags } from '../network-flags.js';
import { limitPoints, oneOf, positiveInt } from '../options.js';
import { writeVectorNpy } from '../output/files.js';
import type { CommandModule } from '../program.js';
import { toJson } from '../output/context.js';
import { addArchitectureSpectrumFlags, runArchitectureSpectrum } from './spectrum-arch.js';

interface SpectrumFlags extends NetworkFlags {
  /** `--limit <which>`, false with `--no-limit`, undefined for the default. */
  limit?: LimitKind | false;
  points: number;
  bins?: number;
  outputWeights: 'rademacher' | 'gaussian';
  method: 'dense' | 'slq' | 'auto';
  slqProbes: number;
  slqSteps: number;
  slqNtk: 'stored' | 'tiled' | 'auto';
}

const STAGE_LABEL: Record<SpectrumStage, string> = {
  forward: 'sampling network',
  kernels: 'kernels (layers)',
  eigenvalues: 'eigenvalues',
  limit: 'limit density',
};

const LIMIT_KINDS = ['fan-wang', 'exact-kernel', 'both'] as const;

function comparisonJson(c: Comparison): Record<string, unknown> {
  return {
    ks: c.ks,
    ksScaled: c.ksScaled,
    rightEdge: c.rightEdge,
    outliers: Array.from(c.outliers ?? []),
    ...(c.limit ? { limit: limitJson(c.limit) } : {}),
  };
}

/** `--limit` unless given: both limits on real data up to the dense-route size, Fan–Wang otherwise. */
function limitKind(flag: LimitKind | false | undefined, realData: boolean, n: number): LimitKind | undefined {
  if (flag === false) return undefined;
  if (flag !== undefined) return flag;
  return realData && n <= SLQ_AUTO_MIN_N ? 'both' : 'fan-wang';
}

function kernelJson(k: KernelSpectrum): Record<string, unknown> {
  const values =
    k.method === 'slq' && k.density
      ? {
          quantiles: Array.from(k.eigenvalues),
          density: {
            x: Array.from(k.density.x),
            density: Array.from(k.density.density),
            bandwidth: k.density.bandwidth,
          },
          densityStderr: Array.from(k.density.stderr),
          slq: k.slq,
        }
      : { eigenvalues: Array.from(k.eigenvalues) };
  return {
    method: k.method,
    ...values,
    mean: k.mean,
    ...(k.limit
      ? {
          limit: limitJson(k.limit),
          ks: k.ks,
          ksScaled: k.ksScaled,
          rightEdge: k.rightEdge,
          outliers: Array.from(k.outliers ?? []),
          limitName: k.limitName,
          limits: Object.fromEntries(
            Object.entries(k.limits ?? {}).map(([name, c]) => [name, comparisonJson(c as Comparison)]),
          ),
        }
      : {}),
  };
}

export const spectrumCommand: CommandModule = {
  name: 'spectrum',
  summary: 'sample a network, compute its CK/NTK eigenvalues and compare them with the limit laws',
  configure(cmd) {
    addNetworkFlags(cmd, { data: true });
    cmd
      .addOption(
        new Option(
          '--limit <which>',
          'limit law: fan-wang (near-orthogonal data), exact-kernel (MP map on the exact kernel of the data) or both (default: fan-wang on synthetic data, both on real data)',
        ).argParser(oneOf('--limit', LIMIT_KINDS)),
      )
      .option('--no-limit', 'skip the theory (eigenvalues only)')
      .addOption(
        new Option('--points <int>', 'grid points of the limit densities').argParser(limitPoints).default(1000),
      )
      .addOption(
        new Option('--bins <int>', 'histogram bins in the figures (default ~2√n)').argParser(
          positiveInt('--bins', 10_000),
        ),
      )
      .addOption(
        new Option('--output-weights <kind>', 'readout weights: rademacher (±1) or gaussian')
          .argParser(oneOf('--output-weights', ['rademacher', 'gaussian'] as const))
          .default('rademacher'),
      )
      .addOption(
        new Option(
          '--method <how>',
          'dense (all eigenvalues), slq (stochastic Lanczos quadrature density with error bars) or auto (slq when n > 6000 or dense would not fit)',
        )
          .argParser(oneOf('--method', ['dense', 'slq', 'auto'] as const))
          .default('auto'),
      )
      .addOption(
        new Option('--slq-probes <int>', 'SLQ probe vectors (error ~ 1/√(probes·n))')
          .argParser(positiveInt('--slq-probes', 10_000))
          .default(16),
      )
      .addOption(
        new Option('--slq-steps <int>', 'SLQ Lanczos steps per probe (resolution ~ 1/steps)')
          .argParser(positiveInt('--slq-steps', 10_000))
          .default(80),
      )
      .addOption(
        new Option(
          '--slq-ntk <how>',
          'SLQ NTK: stored (one n × n matrix), tiled (matrix-free at every Lanczos step: tile by tile, or factored when n ≫ d; no n × n matrix, slower) or auto (tiled only when stored would not fit)',
        )
          .argParser(oneOf('--slq-ntk', ['stored', 'tiled', 'auto'] as const))
          .default('auto'),
      );
    cmd.addHelpText(
      'after',
      `
Network (apps/docs/theory/fan-wang.md#network-and-kernels): X_l = σ(W_l X_{l−1})/√d_l with W_l entries N(0,1),
readout ±1, inputs of unit norm.
CK = X_LᵀX_L; NTK = X_LᵀX_L + Σ_l (X_{l−1}ᵀX_{l−1}) ⊙ (S_lᵀS_l). Both are compared with their limit laws
(see \`spec limit --help\`) by the KS distance, raw and after rescaling to the limit's mean (ksScaled).
--limit fan-wang: the Fan–Wang law (needs near-orthogonal inputs); exact-kernel: the MP map applied to the
spectrum of the exact infinite-width kernel of the data, layer by layer (apps/docs/theory/fan-wang.md#exact-kernel-limit);
both: JSON's ks, limit, … are against limitName ("fan-wang"), and limits.<name> holds each comparison.
Without --out and --json, the figures go to a fresh folder spec-out/spectrum-<time>/.
Files with --out: spectrum.json, ck-eigenvalues.npy, ntk-eigenvalues.npy, ck.svg, ntk.svg.
--method slq: the kernels' spectral densities by stochastic Lanczos quadrature (CK matrix-free through X_L,
NTK as one n × n matrix, or with --slq-ntk tiled never formed: memory O(n·Σ d_l + tile²), each Lanczos step
rebuilding it tile by tile or, when n ≫ d, applying ((XᵀX) ⊙ (SᵀS))v = rowwise x_iᵀ(X diag(v) Sᵀ)s_i).
JSON per kernel: method "slq", density {x, density}, densityStderr, quantiles (the n quantiles of the SLQ
spectral CDF, also in <kernel>-eigenvalues.npy), ks from that CDF, slq.cdfError, and for the NTK slq.tiled.
A run that would not fit in memory stops before allocating (E_MEMORY), saying what it would need.`,
    );
    addArchitectureSpectrumFlags(cmd);
  },
  async run(options, env) {
    if (options.arch !== undefined) return runArchitectureSpectrum(options, env);
    const flags = options as unknown as SpectrumFlags;
    const activation = activationFromFlags(flags);
    const names = flags.kernel === 'both' ? (['ck', 'ntk'] as const) : ([flags.kernel] as const);
    const out = env.figureOut('spectrum');
    out.reserve(['spectrum.json', ...names.flatMap((k) => [`${k}-eigenvalues.npy`, `${k}.svg`])]);

    // Synthetic sizes are known before any data is drawn: plan (and refuse what would not fit) first.
    const sizes = syntheticSizes(parseDataSpec(flags.data), flags);
    if (sizes !== undefined) {
      planSpectrum(
        { ...sizes, widths: flags.widths },
        {
          kernel: flags.kernel,
          method: flags.method,
          slq: { probes: flags.slqProbes, steps: flags.slqSteps, ntk: flags.slqNtk },
          leanNtk: true,
        },
      );
    }
    const rng = createRng(env.globals.seed);
    const { dataset, inputModel, diagnostics } = await loadData(flags, rng.split('data'), env);
    const backend = await env.backend();
    const kind = limitKind(flags.limit, diagnostics !== undefined, dataset.n);
    const phases = new Map<SpectrumStage, (d: number, t: number) => void>();
    const result = spectrumJob({
      X: dataset.X,
      widths: flags.widths,
      activation,
      kernel: flags.kernel,
      backend,
      rng: rng.split('network'),
      limit: kind !== undefined,
      limitKind: kind,
      input: inputModel,
      points: flags.points,
      outputWeights: flags.outputWeights,
      method: flags.method,
      slq: { probes: flags.slqProbes, steps: flags.slqSteps, ntk: flags.slqNtk },
      onProgress(stage, done, total) {
        if (!phases.has(stage)) phases.set(stage, env.progress.phase(STAGE_LABEL[stage]));
        phases.get(stage)!(done, total);
      },
    });

    const kernels: Record<string, unknown> = {};
    for (const k of names) kernels[k] = kernelJson(result[k]!);
    for (const k of names) for (const line of limitNotes(k, result[k]!.limit)) env.out.note(line);
    const doc = {
      command: 'spectrum',
      config: {
        n: dataset.n,
        d0: dataset.d0,
        widths: flags.widths,
        activation: flags.activation,
        rawActivation: flags.rawActivation,
        kernel: flags.kernel,
        data: dataset.source,
        inputModel,
        limit: kind ?? 'none',
        preprocessing: dataset.preprocessing,
        outputWeights: flags.outputWeights,
        seed: env.globals.seed,
        backend: result.backend,
        eigenBackend: result.eigenBackend,
        method: flags.method,
      },
      ...(result.a !== undefined
        ? { constants: { a: result.a, b: result.b, samplesPerNeuron: result.samplesPerNeuron } }
        : {}),
      ...(diagnostics !== undefined ? { dataDiagnostics: diagnosticsJson(diagnostics) } : {}),
      kernels,
    };
    env.out.emitJson(doc);

    if (out.outDir !== undefined) {
      out.write('spectrum.json', toJson(doc));
      // Imported here: the figure modules load Observable Plot and linkedom, which a run without figures does not need.
      const { bulkHistogram, spectrumSvg } = await import('../plots/spectrum-plot.js');
      for (const k of names) {
        const ks = result[k]!;
        writeVectorNpy(out, `${k}-eigenvalues.npy`, ks.eigenvalues);
        const title = `${k.toUpperCase()} spectrum — ${flags.activation}, n = ${dataset.n}, d0 = ${dataset.d0}, widths ${flags.widths.join(',')}${ks.ks !== undefined ? `, KS ${ks.ks.toFixed(4)}` : ''}`;
        out.write(
          `${k}.svg`,
          spectrumSvg({
            title,
            bins: bulkHistogram(ks, flags.bins),
            limit: ks.limit,
            outliers: Array.from(ks.outliers ?? []),
            limitLabel: ks.limitName === undefined ? undefined : `${ks.limitName} density`,
            extraLimits: Object.entries(ks.limits ?? {})
              .filter(([name, c]) => name !== ks.limitName && c?.limit !== undefined)
              .map(([name, c]) => ({ label: `${name} density`, limit: c!.limit! })),
          }),
        );
      }
    }

    env.out.say(
      `${dataset.source}: n = ${dataset.n}, d0 = ${dataset.d0}; ${flags.activation}${flags.rawActivation ? ' (raw)' : ''} network, widths ${flags.widths.join(',')}; backend ${result.backend}`,
    );
    if (diagnostics !== undefined) env.out.say(diagnosticsLine(diagnostics));
    env.out.say('kernel   limit          mean      limit mean   KS       KS (scaled)   outliers   λ range');
    for (const k of names) {
      const s = result[k]!;
      const e = s.eigenvalues;
      const entries: [string, Comparison | undefined][] =
        s.limits !== undefined && Object.keys(s.limits).length > 0
          ? (Object.entries(s.limits) as [LimitName, Comparison][])
          : [['—', undefined]];
      for (const [name, c] of entries) {
        const cols = [
          k.toUpperCase().padEnd(8),
          name.padEnd(14),
          s.mean.toFixed(4).padEnd(9),
          (c?.limit ? c.limit.mean.toFixed(4) : '—').padEnd(12),
          (c?.ks !== undefined ? c.ks.toFixed(4) : '—').padEnd(8),
          (c?.ksScaled !== undefined ? c.ksScaled.toFixed(4) : '—').padEnd(13),
          String(c?.outliers?.length ?? '—').padEnd(10),
          `[${e[0].toPrecision(4)}, ${e[e.length - 1].toPrecision(4)}]`,
        ];
        env.out.say(cols.join(' '));
      }
    }
    if (out.outDir !== undefined) env.out.say(`figures, eigenvalues (.npy) and JSON written to ${out.outDir}/`);
  },
};
