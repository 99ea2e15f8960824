import { createRng } from '@spec/core';
import { dispersionStudy } from '@spec/nets';
import { dispersionLimit } from '@spec/rmt';
import { Option } from 'commander';
import { finiteNumber, oneOf, positiveInt, positiveIntList } from '../options.js';
import type { CommandModule } from '../program.js';
import { toJson } from '../output/context.js';

interface DispersionFlags {
  sigmaW2: number;
  sigmaB2: number;
  width: number;
  inputDim?: number;
  depths: number[];
  samples: number;
  method: 'scalar' | 'full';
}

export const dispersionCommand: CommandModule = {
  name: 'dispersion',
  summary:
    'NTK dispersion of deep ReLU MLPs vs depth/width and the initialisation phase (apps/docs/theory/dispersion.md)',
  configure(cmd) {
    cmd
      .addOption(
        new Option('--sigma-w2 <s>', 'σ_w² (> 0): ordered < 2, edge of chaos = 2, chaotic > 2')
          .argParser(finiteNumber('--sigma-w2', 0))
          .default(2),
      )
      .addOption(
        new Option('--sigma-b2 <b>', 'σ_b² of the initial biases (> 0 needs --method full; no theory then)')
          .argParser(finiteNumber('--sigma-b2', 0))
          .default(0),
      )
      .addOption(new Option('--width <M>', 'hidden width M').argParser(positiveInt('--width', 100_000)).default(100))
      .addOption(
        new Option('--input-dim <n0>', 'input dimension n0 (default = width)').argParser(
          positiveInt('--input-dim', 100_000),
        ),
      )
      .addOption(
        new Option('--depths <list>', 'depths L (hidden layers), comma-separated')
          .argParser(positiveIntList('--depths', 100_000))
          .default([1, 5, 10, 20], '1,5,10,20'),
      )
      .addOption(
        new Option('--samples <int>', 'networks per depth (≥ 2)')
          .argParser(positiveInt('--samples', 10_000_000))
          .default(500),
      )
      .addOption(
        new Option(
          '--method <m>',
          'scalar: exact O(L) recursion (apps/docs/theory/dispersion.md#exact-finite-width, fast); full: full networks through the backend',
        )
          .argParser(oneOf('--method', ['scalar', 'full'] as const))
          .default('scalar'),
      )
      .addHelpText(
        'after',
        `
ReLU MLP in standard parametrisation (apps/docs/theory/dispersion.md#setting): W ~ N(0, σ_w²/fan_in), trainable
biases starting at N(0, σ_b²), unit input, Θ(x, x) over all parameters. "dispersion" = mean Θ²/(mean Θ)² with a
delta-method "stderr"; "theory" = the limit at λ = depth/width (apps/docs/theory/dispersion.md#depth-width-limits;
ordered: with the 1/M correction; edge of chaos: r0 = width/input-dim).
JSON: {"phase", "chi", "rows": [{"depth", "lambda", "dispersion", "stderr", "theory", "mean", "meanStderr", "meanTheory"}]}.
Figure with --out: dispersion.svg (points ± stderr and the theory curve vs depth, phase in the title).`,
      );
  },
  async run(options, env) {
    const f = options as unknown as DispersionFlags;
    env.out.reserve(['dispersion.json', 'dispersion.svg']);
    const inputDim = f.inputDim ?? f.width;
    const tick = env.progress.phase(`${f.method} Monte Carlo`);
    const st = dispersionStudy({
      sigmaW2: f.sigmaW2,
      sigmaB2: f.sigmaB2,
      width: f.width,
      inputDim,
      depths: f.depths,
      samples: f.samples,
      method: f.method,
      rng: createRng(env.globals.seed).split('dispersion'),
      ...(f.method === 'full' ? { backend: await env.backend() } : {}),
      onProgress: tick,
    });
    const doc = {
      command: 'dispersion',
      config: {
        sigmaW2: f.sigmaW2,
        sigmaB2: f.sigmaB2,
        width: f.width,
        inputDim,
        depths: f.depths,
        samples: f.samples,
        method: f.method,
      },
      phase: st.phase,
      chi: st.chi,
      rows: st.rows,
    };
    env.out.emitJson(doc);
    for (const r of st.rows) {
      // mean Θ²/(mean Θ)² of N samples never exceeds N: beyond that the estimate says more about N than about Θ.
      if (r.theory !== null && r.theory > f.samples / 10) {
        env.out.note(
          `note: at depth ${r.depth} the predicted dispersion ${r.theory.toPrecision(3)} is beyond what ${f.samples} samples resolve (the estimate cannot exceed the number of samples); use more --samples or smaller depths`,
        );
      }
    }
    env.out.say(`phase: ${st.phase} (χ = ${st.chi})`);
    for (const r of st.rows) {
      env.out.say(
        `L = ${r.depth} (λ = ${r.lambda.toFixed(3)}): D = ${r.dispersion.toFixed(4)} ± ${r.stderr.toFixed(4)}${r.theory !== null ? `, theory ${r.theory.toFixed(4)}` : ''}`,
      );
    }
    if (env.out.outDir !== undefined) {
      env.out.write('dispersion.json', toJson(doc));
      // Imported here: the figure modules load Observable Plot and linkedom, which a run without figures does not need.
      const { dispersionSvg } = await import('../plots/dispersion-plot.js');
      const maxDepth = Math.max(...f.depths);
      const theoryCurve =
        f.sigmaB2 > 0
          ? []
          : Array.from({ length: 101 }, (_, i) => {
              const depth = (maxDepth * i) / 100;
              return {
                depth,
                value: dispersionLimit({
                  lambda: depth / f.width,
                  phase: st.phase,
                  sigmaW2: f.sigmaW2,
                  width: f.width,
                  r0: f.width / inputDim,
                }).dispersion,
              };
            });
      env.out.write(
        'dispersion.svg',
        dispersionSvg({
          title: `NTK dispersion, ${st.phase} (σ_w² = ${f.sigmaW2}, width ${f.width})`,
          rows: st.rows,
          theoryCurve,
        }),
      );
      env.out.say(`figures and JSON written to ${env.out.outDir}`);
    }
  },
};
