import { SpecError } from '@spec/core';
import { MAX_SPHERE_DIM, kernelSeries } from '@spec/nets';
import { sphereMultiplicity } from '@spec/rmt';
import { Option } from 'commander';
import { finiteNumber, nonNegativeInt, positiveInt } from '../options.js';
import type { CommandModule } from '../program.js';
import { toJson } from '../output/context.js';

interface SeriesFlags {
  activation: string;
  normalized: boolean;
  depth: number;
  degree: number;
  sphereDim: number;
  sigmaW2?: number;
  sigmaB2: number;
  sigmaW2In: number;
  hermiteDegree: number;
}

export const seriesCommand: CommandModule = {
  name: 'series',
  summary:
    'Hermite power series of the infinite-width NNGP/NTK, sphere eigenvalues and their decay (apps/docs/theory/power-series.md)',
  configure(cmd) {
    cmd
      .addOption(
        new Option('--activation <name>', 'activation φ, used RAW as in `spec infinite` (see --normalized)').default(
          'relu',
        ),
      )
      .option('--normalized', 'use the normalised activation (φ − E φ)/sd φ instead of the raw one', false)
      .addOption(
        new Option('--depth <L>', 'number of hidden layers').argParser(positiveInt('--depth', 1000)).default(1),
      )
      .addOption(
        new Option('--degree <P>', 'highest power p of ⟨x, y⟩ (and harmonic degree k), at most 100')
          .argParser(nonNegativeInt('--degree', 100))
          .default(8),
      )
      .addOption(
        new Option(
          '--sphere-dim <d>',
          `data uniform on S^{d−1} ⊂ R^d for the eigenvalues, 2..${MAX_SPHERE_DIM} (beyond, the Funk–Hecke quadrature cannot reach its accuracy)`,
        )
          .argParser(positiveInt('--sphere-dim', 100_000))
          .default(3),
      )
      .addOption(
        new Option('--sigma-w2 <s>', 'σ_w² (default 1/E φ(ξ)²: 2 for relu)').argParser(finiteNumber('--sigma-w2', 0)),
      )
      .addOption(new Option('--sigma-b2 <b>', 'σ_b²').argParser(finiteNumber('--sigma-b2', 0)).default(0))
      .addOption(
        new Option('--sigma-w2-in <i>', 'σ²_w,in of the first layer (> 0)')
          .argParser(finiteNumber('--sigma-w2-in', 0))
          .default(1),
      )
      .addOption(
        new Option(
          '--hermite-degree <K>',
          'Hermite coefficients taken from quadrature (1..60; relu uses its closed form)',
        )
          .argParser(positiveInt('--hermite-degree', 60))
          .default(60),
      )
      .addHelpText(
        'after',
        `
Same network and conventions as \`spec infinite\` (raw φ, σ_w² = 1/E φ² by default), so relu at depth 1 gives
κ = (1/π, 1, 3/(2π), 0, 5/(24π), …) (apps/docs/theory/reference-values.md#power-series). The coefficients are those
of ⟨x, y⟩^p, p = 0..degree, by Cauchy products of the activation's Hermite coefficients
(apps/docs/theory/power-series.md#power-series); "tailMass" bounds the truncation on |⟨x, y⟩| ≤ 1, and the series is
the network's kernel only when "unitDiagonal" is true.
"sphereEigenvalues": NTK eigenvalues λ_k, k = 0..degree, for data uniform on S^{d−1} w.r.t. the uniform
probability measure (apps/docs/theory/power-series.md#sphere-eigenvalues; Funk–Hecke on the exact kernel),
multiplicities in "multiplicities", "decayExponent" the fitted slope of log λ_k vs log k (absent with fewer than two
positive λ_k). "effectiveRankBound" = Σκ/κ_0 (absent when κ_0 = 0)
(apps/docs/theory/power-series.md#effective-rank).
Figures with --out: coefficients.svg (|coefficient| decay), sphere-eigenvalues.svg (log-log with the fit).`,
      );
  },
  async run(options, env) {
    const f = options as unknown as SeriesFlags;
    if (f.sphereDim < 2) throw new SpecError('E_INPUT', `--sphere-dim must be ≥ 2, got ${f.sphereDim}`);
    env.out.reserve(['series.json', 'coefficients.svg', 'sphere-eigenvalues.svg']);
    const tick = env.progress.phase('power series');
    tick(0, 1);
    const s = kernelSeries({
      activation: f.activation,
      normalized: f.normalized,
      depth: f.depth,
      degree: f.degree,
      sphereDim: f.sphereDim,
      sigmaB2: f.sigmaB2,
      sigmaW2In: f.sigmaW2In,
      hermiteDegree: f.hermiteDegree,
      ...(f.sigmaW2 !== undefined ? { sigmaW2: f.sigmaW2 } : {}),
    });
    tick(1, 1);
    const o = s.options;
    const doc = {
      command: 'series',
      config: {
        activation: f.activation,
        normalized: f.normalized,
        depth: f.depth,
        degree: f.degree,
        sphereDim: f.sphereDim,
        sigmaW2: o.sigmaW2,
        sigmaB2: o.sigmaB2,
        sigmaW2In: o.sigmaW2In,
      },
      nngp: Array.from(s.nngp),
      ntk: Array.from(s.ntk),
      diagonal: s.diagonal,
      tailMass: s.tailMass,
      hermiteTailMass: s.hermiteTailMass,
      unitDiagonal: s.unitDiagonal,
      sphereEigenvalues: Array.from(s.sphereEigenvalues.ntk),
      sphereEigenvaluesNngp: Array.from(s.sphereEigenvalues.nngp),
      multiplicities: Array.from({ length: f.degree + 1 }, (_, k) => sphereMultiplicity(f.sphereDim, k)),
      // absent (not null) when undefined: fewer than two positive eigenvalues, or κ_0 = 0
      ...(s.decayExponent !== null ? { decayExponent: s.decayExponent } : {}),
      ...(s.ntk[0] > 0 ? { effectiveRankBound: s.diagonal.ntk / s.ntk[0] } : {}),
    };
    env.out.emitJson(doc);
    env.out.say(
      `${o.activation.name}, depth ${f.depth}: NTK coefficients ${Array.from(s.ntk.slice(0, 6), (v) => v.toFixed(6)).join(', ')}${f.degree > 5 ? ', …' : ''} (tail mass ${s.tailMass.ntk.toExponential(2)})`,
    );
    env.out.say(
      `sphere S^${f.sphereDim - 1} NTK eigenvalues: ${Array.from(s.sphereEigenvalues.ntk.slice(0, 7), (v) => v.toPrecision(6)).join(', ')}${s.decayExponent !== null ? `; decay exponent ${s.decayExponent.toFixed(3)}` : ''}`,
    );
    if (env.out.outDir !== undefined) {
      env.out.write('series.json', toJson(doc));
      // Imported here: the figure modules load Observable Plot and linkedom, which a run without figures does not need.
      const { coefficientDecaySvg, sphereEigenvaluesSvg } = await import('../plots/series-plot.js');
      env.out.write(
        'coefficients.svg',
        coefficientDecaySvg(`power-series coefficients, ${o.activation.name}, depth ${f.depth}`, s.nngp, s.ntk),
      );
      env.out.write(
        'sphere-eigenvalues.svg',
        sphereEigenvaluesSvg(`NTK eigenvalues on S^${f.sphereDim - 1}`, s.sphereEigenvalues.ntk, s.decayExponent),
      );
      env.out.say(`figures and JSON written to ${env.out.outDir}`);
    }
  },
};
