// Lint rules for the whole repository. Besides typescript-eslint's recommended set, one rule encodes the
// intended dependency arrows between packages:
//   core ← backend-cpu, backend-gpujs, rmt, data ← nets ← experiments ← apps
// rmt never imports a network, nets never imports a concrete backend (it receives one), and nothing imports
// another package's internals (`@spec/x/src/...`) or reaches into it by a relative path.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import vue from 'eslint-plugin-vue';

const packages = ['core', 'backend-cpu', 'backend-gpujs', 'rmt', 'data', 'nets', 'experiments', 'testing'];

/**
 * Workspace packages each package's sources may import. Tests may also use a backend to run on and the private
 * @spec/testing helpers.
 */
const allowed = {
  core: [],
  'backend-cpu': ['core'],
  'backend-gpujs': ['core', 'backend-cpu'],
  rmt: ['core'],
  data: ['core'],
  nets: ['core', 'rmt'],
  experiments: ['core', 'rmt', 'data', 'nets'],
  testing: ['core'],
};

const deepImports = {
  group: ['@spec/*/*'],
  message: 'import a package by its name (its public index), not its internals',
};
const crossRelative = {
  group: ['../../*/src/*', '../../../packages/*', '../../../apps/*', '../../packages/*', '../../apps/*'],
  message: 'import a sibling package by its name, not by a relative path',
};

function restrict(pkg, { tests }) {
  const ok = new Set(allowed[pkg]);
  if (tests) for (const b of ['backend-cpu', 'backend-gpujs', 'testing']) ok.add(b);
  const forbidden = packages.filter((p) => p !== pkg && !ok.has(p)).map((p) => `@spec/${p}`);
  forbidden.push('@spec/cli', '@spec/docs', '@spec/bench');
  return {
    files: [`packages/${pkg}/${tests ? 'test' : 'src'}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbidden.map((name) => ({
            name,
            message: `@spec/${pkg} may import only ${[...ok].map((p) => `@spec/${p}`).join(', ') || 'no workspace package'} (core ← backends, rmt, data ← nets ← experiments ← apps)`,
          })),
          patterns: [deepImports, crossRelative],
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'apps/docs/.vitepress/cache/**',
      'apps/docs/.vitepress/dist/**',
      'apps/docs/public/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.es2023 } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  ...packages.flatMap((pkg) => [restrict(pkg, { tests: false }), restrict(pkg, { tests: true })]),
  {
    files: ['apps/**/*.ts', 'apps/**/*.vue', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [deepImports, crossRelative] }] },
  },
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    files: ['apps/docs/components/**', 'apps/docs/.vitepress/**', 'bench/browser/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  prettier,
);
