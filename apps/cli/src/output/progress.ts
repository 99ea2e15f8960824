import type { SingleBar } from 'cli-progress';

/** A progress reporter handed to library calls as `onProgress(done, total)`. */
export interface Progress {
  /** Starts a phase; returns the callback the library calls. */
  phase(label: string): (done: number, total: number) => void;
  stop(): void;
}

/**
 * Progress bars on stderr, only when stderr is a terminal (never in pipes or CI logs). cli-progress is imported only
 * then: loading it costs ≈ 20 ms at every start of a command in a script (bench/README.md#start-up).
 */
export async function createProgress(enabled: boolean = Boolean(process.stderr.isTTY)): Promise<Progress> {
  if (!enabled) return { phase: () => () => undefined, stop: () => undefined };
  const { default: cliProgress } = await import('cli-progress');
  let bar: SingleBar | undefined;
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  return {
    phase(label) {
      stop();
      const b = new cliProgress.SingleBar(
        {
          format: `${label.padEnd(22)} {bar} {percentage}% | {value}/{total}`,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar = b;
      let started = false;
      return (done, total) => {
        if (!started) {
          b.start(total, done);
          started = true;
        } else b.update(done);
        if (done >= total) stop();
      };
    },
    stop,
  };
}
