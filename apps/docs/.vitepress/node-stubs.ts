import type { Plugin } from 'vite';

const PREFIX = '\0spec-node-stub:';

/** Browser stand-ins for the few Node APIs that workspace packages touch on paths the browser never takes. */
const OVERRIDES: Record<string, string> = {
  // backend-cpu sizes its (Node-only) thread pool from this; one thread means no pool.
  os: '{ availableParallelism: () => 1, cpus: () => [] }',
};

/**
 * Resolves `node:*` imports in the browser bundles (page and Web Worker) to a stub module instead of
 * Vite's empty `__vite-browser-external`, which fails the build on named imports. Every named import
 * exists (Rollup `syntheticNamedExports` over a Proxy) and throws "not available in the browser" if
 * called, so a Node-only code path fails loudly rather than silently. The SSR build is left alone.
 */
export function browserNodeStubs(): Plugin {
  return {
    name: 'spec-browser-node-stubs',
    enforce: 'pre',
    resolveId(id, _importer, options) {
      if (options?.ssr) return null;
      if (!id.startsWith('node:')) return null;
      return { id: PREFIX + id.slice('node:'.length), syntheticNamedExports: true };
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const mod = id.slice(PREFIX.length);
      return [
        `const target = ${OVERRIDES[mod] ?? '{}'};`,
        'export default new Proxy(target, {',
        '  get(t, k) {',
        '    if (k in t) return t[k];',
        "    if (typeof k !== 'string' || k === 'then' || k === '__esModule') return undefined;",
        `    return function unavailable() { throw new Error('node:${mod}.' + k + ' is not available in the browser'); };`,
        '  },',
        '});',
      ].join('\n');
    },
  };
}
