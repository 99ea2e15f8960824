import { assertFitsInMemory, availableMemoryBytes, createRng, type Matrix } from '@spec/core';
import { encodeNpy, loadDataset, parseDataSpec } from '@spec/data';
import {
  compareWithEmpirical,
  infiniteKernelMatrices,
  infiniteKernelMatricesBytes,
  infiniteKernels,
  type InfiniteKernelOptions,
} from '@spec/nets';
import { Option } from 'commander';
import { finiteNumber, oneOf, positiveInt } from '../options.js';
import type { CommandModule } from '../program.js';
import { jsonRows, toJson } from '../output/context.js';
import { assertSyntheticDataFits, syntheticSizes } from '../data-source.js';
import { addArchitectureFlags, runArchitecture } from './infinite-arch.js';

interface InfiniteFlags {
  activation: string;
  normalized: boolean;
  depth: number;
  cos: number;
  sigmaW2?: number;
  sigmaB2: number;
  sigmaW2In: number;
  architecture: 'mlp' | 'residual';
  data?: string;
  n: number;
  d0: number;
  tile: number;
  compareWidth?: number;
  nets: number;
}

export const infiniteCommand: CommandModule = {
  name: 'infinite',
  summary: 'infinite-width NNGP and NTK of an MLP or residual MLP, or of any architecture (--arch JSON)',
  configure(cmd) {
    cmd
      .addOption(
        new Option('--activation <name>', 'activation φ, used RAW (relu = max(x, 0)); see --normalized').default(
          'relu',
        ),
      )
      .option('--normalized', 'use the normalised activation (φ − E φ)/sd φ under N(0,1) instead of the raw one', false)
      .addOption(
        new Option('--depth <L>', 'number of hidden layers (the readout is added on top)')
          .argParser(positiveInt('--depth', 10_000))
          .default(2),
      )
      .addOption(
        new Option('--cos <c>', 'cosine ⟨x, y⟩ of two unit-norm inputs')
          .argParser(finiteNumber('--cos', -1, 1))
          .default(0.5),
      )
      .addOption(
        new Option(
          '--sigma-w2 <s>',
          'σ_w² of hidden layers after the first and of the readout (default 1/E φ(ξ)², variance preserving: 2 for relu)',
        ).argParser(finiteNumber('--sigma-w2', 0)),
      )
      .addOption(
        new Option('--sigma-b2 <b>', 'σ_b² of every layer').argParser(finiteNumber('--sigma-b2', 0)).default(0),
      )
      .addOption(
        new Option('--sigma-w2-in <i>', 'σ²_w,in of the first layer: Σ¹ = σ²_w,in ⟨x, y⟩ + σ_b²')
          .argParser(finiteNumber('--sigma-w2-in', 0))
          .default(1),
      )
      .addOption(
        new Option('--architecture <a>', 'mlp or residual (apps/docs/theory/infinite-width.md#residual-mlp)')
          .argParser(oneOf('--architecture', ['mlp', 'residual'] as const))
          .default('mlp'),
      )
      .addOption(
        new Option(
          '--data <source>',
          'compute n × n matrices for a dataset instead of one pair: gaussian|sphere|digits|npy:PATH|csv:PATH|…',
        ),
      )
      .addOption(
        new Option('--n <int>', 'samples for synthetic --data').argParser(positiveInt('--n', 20_000)).default(200),
      )
      .addOption(
        new Option('--d0 <int>', 'input dimension for synthetic --data')
          .argParser(positiveInt('--d0', 100_000))
          .default(50),
      )
      .addOption(
        new Option('--tile <int>', 'tile edge of the vectorised pair loops for --data')
          .argParser(positiveInt('--tile', 4096))
          .default(64),
      )
      .addOption(
        new Option(
          '--compare-width <W>',
          'also sample networks of width W and report the empirical-vs-infinite NTK error (∝ W^(−1/2))',
        ).argParser(positiveInt('--compare-width', 100_000)),
      )
      .addOption(
        new Option('--nets <int>', 'networks sampled for --compare-width')
          .argParser(positiveInt('--nets', 100_000))
          .default(10),
      )
      .addHelpText(
        'after',
        `
Conventions (apps/docs/theory/infinite-width.md#mlp-recursions, NTK parametrisation): unit-norm inputs with
⟨x, y⟩ = c, Σ¹ = σ²_w,in·c + σ_b², Σ^{l+1} = σ_w² E φ(u)φ(v) + σ_b², Σ̇^{l+1} = σ_w² E φ′(u)φ′(v),
Θ^{l+1} = Σ^{l+1} + Θ^l Σ̇^{l+1}; depth counts hidden layers, the readout is included. Closed-form duals for relu,
erf, linear, sin, …; otherwise a tabulated dual (Hermite coefficients per variance, or angle tables for kinked φ;
within 1e−11 relative, apps/docs/theory/toolkit.md#gaussian-kernel-maps). One pass gives every depth ("byDepth"); with
--data each layer is one vectorised pass over the n × n matrix.
JSON: {"nngp", "ntk", "diagonal", "byDepth"[, "compare"]}; with --data, "nngp"/"ntk" are n × n matrices
(nngp.npy, ntk.npy with --out; kernels of the data as given, Σ¹ = σ²_w,in ⟨x_α, x_β⟩ + σ_b²).
Figures with --out: kernel-angle.svg (NTK vs angle for depths 1..L, at most 12).`,
      );
    addArchitectureFlags(cmd);
  },
  async run(options, env) {
    if (options.arch !== undefined) return runArchitecture(options, env);
    const f = options as unknown as InfiniteFlags;
    const kopts: InfiniteKernelOptions = {
      activation: f.activation,
      normalized: f.normalized,
      depth: f.depth,
      sigmaB2: f.sigmaB2,
      sigmaW2In: f.sigmaW2In,
      architecture: f.architecture,
      ...(f.sigmaW2 !== undefined ? { sigmaW2: f.sigmaW2 } : {}),
    };
    const kernels = infiniteKernels(kopts);
    const o = kernels.options;
    const files = ['infinite.json', 'kernel-angle.svg', ...(f.data !== undefined ? ['nngp.npy', 'ntk.npy'] : [])];
    env.out.reserve(files);
    const config = {
      activation: f.activation,
      normalized: f.normalized,
      depth: f.depth,
      cos: f.cos,
      sigmaW2: o.sigmaW2,
      sigmaB2: o.sigmaB2,
      sigmaW2In: o.sigmaW2In,
      architecture: o.architecture,
    };
    let doc: Record<string, unknown>;
    let X: Matrix;
    if (f.data === undefined) {
      const all = kernels.byDepth(f.cos);
      const k = all[all.length - 1];
      const byDepth = all.map((v, i) => ({ depth: i + 1, nngp: v.nngp, ntk: v.ntk }));
      doc = {
        command: 'infinite',
        config,
        nngp: k.nngp,
        ntk: k.ntk,
        diagonal: { nngp: k.nngpXX, ntk: k.ntkXX },
        byDepth,
      };
      X = { rows: 2, cols: 2, data: Float64Array.from([1, f.cos, 0, Math.sqrt(Math.max(0, 1 - f.cos * f.cos))]) };
      env.out.say(
        `${o.activation.name}, depth ${f.depth}, σ_w² = ${o.sigmaW2}, σ_b² = ${o.sigmaB2}, σ²_w,in = ${o.sigmaW2In}, cos ${f.cos}: NNGP ${k.nngp.toFixed(10)}, NTK ${k.ntk.toFixed(10)}`,
      );
    } else {
      const spec = parseDataSpec(f.data);
      const sizes = syntheticSizes(spec, { n: f.n, d0: f.d0 });
      assertSyntheticDataFits(sizes);
      if (sizes !== undefined) {
        // The data and the n × n arrays of the kernel pass, before anything is drawn.
        assertFitsInMemory(
          infiniteKernelMatricesBytes(sizes.n, sizes.d0),
          availableMemoryBytes(),
          `the infinite-width kernels of n = ${sizes.n} samples (about seven n × n float64 arrays and the data)`,
          'try a smaller --n',
        );
      }
      const dataset = await loadDataset(spec, {
        n: f.n,
        // --d0 (default 50) is for synthetic data only: real data brings its own dimension.
        ...(sizes !== undefined ? { d0: sizes.d0 } : {}),
        rng: createRng(env.globals.seed).split('data'),
      });
      X = dataset.X;
      const tick = env.progress.phase('infinite-width kernel matrices');
      const m = infiniteKernelMatrices(X, kopts, { tile: f.tile, onProgress: tick });
      doc = {
        command: 'infinite',
        config: { ...config, data: f.data, n: X.cols, d0: X.rows },
        nngp: jsonRows(m.nngp.data, X.cols, X.cols),
        ntk: jsonRows(m.ntk.data, X.cols, X.cols),
      };
      if (env.out.outDir !== undefined) {
        env.out.write('nngp.npy', encodeNpy(m.nngp.data as Float64Array, [X.cols, X.cols]));
        env.out.write('ntk.npy', encodeNpy(m.ntk.data as Float64Array, [X.cols, X.cols]));
      }
      env.out.say(
        `${X.cols} × ${X.cols} NNGP and NTK matrices of ${dataset.name} (${o.activation.name}, depth ${f.depth})`,
      );
    }
    if (f.compareWidth !== undefined) {
      const tick = env.progress.phase(`sampling ${f.nets} networks of width ${f.compareWidth}`);
      const c = compareWithEmpirical({
        ...kopts,
        X,
        width: f.compareWidth,
        nets: f.nets,
        rng: createRng(env.globals.seed).split('compare'),
        backend: await env.backend(),
        onProgress: tick,
      });
      doc.compare = { width: c.width, nets: c.nets, ntkRelativeError: c.ntkError, nngpRelativeError: c.nngpError };
      env.out.say(
        `width ${c.width}: relative NTK error ${c.ntkError.mean.toFixed(4)} ± ${c.ntkError.stderr.toFixed(4)} (∝ width^(−1/2)), NNGP ${c.nngpError.mean.toFixed(4)} ± ${c.nngpError.stderr.toFixed(4)}`,
      );
    }
    env.out.emitJson(doc);
    if (env.out.outDir !== undefined) {
      env.out.write('infinite.json', toJson(doc));
      // Imported here: the figure modules load Observable Plot and linkedom, which a run without figures does not need.
      const { kernelAngleSvg } = await import('../plots/kernel-angle-plot.js');
      const points: Array<{ angle: number; value: number; depth: number }> = [];
      const shallow = infiniteKernels({ ...kopts, depth: Math.min(f.depth, 12) });
      for (let a = 0; a <= 180; a += 3) {
        shallow.byDepth(Math.cos((a * Math.PI) / 180)).forEach((v, i) => {
          points.push({ angle: a, value: v.ntk, depth: i + 1 });
        });
      }
      points.sort((p, q) => p.depth - q.depth);
      env.out.write(
        'kernel-angle.svg',
        kernelAngleSvg({
          title: `infinite-width NTK of ${o.activation.name} (${o.architecture}) by depth`,
          points,
          yLabel: 'Θ(x, y)',
        }),
      );
      env.out.say(`figures and JSON written to ${env.out.outDir}`);
    }
  },
};
