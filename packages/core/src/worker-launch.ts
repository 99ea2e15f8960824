/** What {@link workerLaunch} returns: the arguments of `new Worker(code, { eval: true, execArgv })`. */
export interface WorkerLaunch {
  /** Code for `new Worker(code, { eval: true })`: it imports the worker module (CommonJS, so `require` works in it). */
  readonly code: string;
  /** `execArgv` for the worker when it runs from the sources (the `source` export condition), else undefined. */
  readonly execArgv?: string[];
}

/**
 * How to start a worker thread on the module `entry` — the URL of ./name.js relative to `import.meta.url` of the module that
 * starts it (`here` = that module's `import.meta.url`), so that the build bundles it as its own entry point, dist/name.js.
 * From the built package the worker imports that file; from the sources (`here` ends in `.ts`: the tests, `pnpm
 * spec:src`) it first registers tsx's loader in its own thread (module hooks do not carry over to worker threads) and
 * imports name.ts, with the workspace packages resolved to their sources through the `source` export condition.
 *
 * @param onLoadError the body of a `(e) => { … }` handler run in the worker when the module fails to load (it may read
 *   `workerData` through `require('node:worker_threads')`); default: none, the worker's `error` event reports it
 */
export function workerLaunch(entry: URL, here: string, onLoadError?: string): WorkerLaunch {
  const fromSource = here.endsWith('.ts');
  const module = JSON.stringify(fromSource ? entry.href.replace(/\.js$/, '.ts') : entry.href);
  const load = fromSource
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => { api.register(); return import(${module}); })`
    : `import(${module})`;
  const code = onLoadError === undefined ? `${load};\n` : `${load}.catch((e) => {\n${onLoadError}\n});\n`;
  if (!fromSource) return { code };
  const execArgv = process.execArgv.some((a) => a.startsWith('--conditions'))
    ? process.execArgv
    : [...process.execArgv, '--conditions=source'];
  return { code, execArgv };
}

/**
 * Threads for parallel work when the caller names none: `SPEC_CPU_THREADS` from the environment when it is a positive
 * integer (a process that runs several independent jobs at once, like `spec sweep --jobs`, sets it to 1 for each), else
 * the machine's available parallelism, at most 4; 1 outside Node (no worker threads there).
 */
export function defaultThreads(): number {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') return 1;
  const fromEnv = Number(process.env.SPEC_CPU_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return fromEnv;
  return Math.min(process.getBuiltinModule('node:os').availableParallelism(), 4);
}
