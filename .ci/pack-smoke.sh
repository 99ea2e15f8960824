#!/usr/bin/env bash
# Installs spec as a user does and checks that it works there (CI step, after the tests):
#  1. builds, packs every published package (pnpm pack rewrites workspace:* ranges) and checks the tarballs'
#     listings (.ci/check-tarballs.mjs);
#  2. installs the tarballs with plain npm into a fresh project outside the workspace;
#  3. runs the installed `spec` (--version, spectrum, limit, a two-worker sweep and its merge, a plugin importing
#     @spec/core) and checks the output (.ci/check-cli-output.mjs, which also compares the spectrum with the same run
#     from the sources);
#  4. runs the CPU backend's worker threads from the installed package;
#  5. type-checks every package README's example (packages/*/examples/readme.ts, which the README shows verbatim)
#     against the installed packages with tsc, runs it, and checks what it claims (scripts/readme-examples.mjs).
# With SPEC_TARBALLS=DIR the tarballs are left in DIR (the cluster step installs `spec` from them).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/spec-pack.XXXXXX")
trap 'rm -rf "$work"' EXIT
tarballs=${SPEC_TARBALLS:-$work/tarballs}
mkdir -p "$tarballs"
rm -f "$tarballs"/*.tgz

echo "== build and pack"
node scripts/pack-all.mjs "$tarballs"
node .ci/check-tarballs.mjs "$tarballs"
published=$(node -e "import('./scripts/build-stamp.mjs').then((m) => console.log(m.PUBLISHED.join(' ')))")

echo "== npm install into a fresh project ($work/project)"
mkdir "$work/project"
cd "$work/project"
npm init -y >/dev/null
npm pkg set type=module private=true
npm install --no-audit --no-fund --loglevel=error "$tarballs"/*.tgz typescript@~5.9 @types/node@20 >/dev/null

echo "== the spec command"
npx --no-install spec --version >version.txt
npx --no-install spec spectrum --n 300 --d0 200 --widths 300 --json >spectrum.json
npx --no-install spec limit --json >limit.json
(cd "$repo" && pnpm -s spec:src spectrum --n 300 --d0 200 --widths 300 --json) >source-spectrum.json
node "$repo/.ci/check-cli-output.mjs" version.txt spectrum.json limit.json source-spectrum.json
# Sweep workers start from the installed, compiled worker module.
echo '{"command": "limit", "n": [300, 400], "widths": ["300", "300,300"], "d0": 200}' >grid.json
npx --no-install spec sweep --grid grid.json --out sweep --jobs 2 >/dev/null
npx --no-install spec sweep merge sweep --json >merged.json
node -e "
  const rows = JSON.parse(require('fs').readFileSync('merged.json', 'utf8')).rows;
  if (rows.length !== 4) { console.error('error: the two-worker sweep gave ' + rows.length + ' rows, expected 4'); process.exit(1); }
  console.log('  ok: spec sweep --jobs 2 ran the 4 grid points on worker threads; merge has 4 rows');
"

# A plugin imports @spec/core as the CLI does and must get the same instance (the registry that holds the built-in
# activations): each package is its own bundle, with its @spec dependencies imported, never copied in.
cat >plugin.mjs <<'JS'
import { definePlugin, registry } from '@spec/core';
if (!registry.hasActivation('tanh')) throw new Error('the plugin sees another @spec/core than the spec command');
export default definePlugin({
  name: 'smoke',
  activations: [{ name: 'smoke_cos', fn: Math.cos, deriv: (x) => -Math.sin(x) }],
});
JS
npx --no-install spec --plugin ./plugin.mjs limit --activation smoke_cos --n 300 --d0 200 --widths 300 --json >plugin.json
node -e "
  const doc = JSON.parse(require('fs').readFileSync('plugin.json', 'utf8'));
  if (doc.config.activation !== 'smoke_cos') { console.error('error: the plugin activation did not run'); process.exit(1); }
  console.log('  ok: a plugin importing @spec/core shares the registry of the spec command');
"

echo "== the CPU backend's worker threads, started from the installed package"
cat >workers.mjs <<'JS'
import { createRng } from '@spec/core';
import { createCpuBackend } from '@spec/backend-cpu';
// n = 700: the Gram product (1.7e8 multiply-adds) and the eigensolver (from n = 640) hand work to a worker thread.
// Products run each tile's code in the same order on any thread, so the Gram matrices agree bit for bit; the
// eigenvalues agree to rounding: backward-stable solvers differ by a few n·ε·‖K‖ (~1e-13 of the largest), 1e-10 is loose.
const [one, two] = [createCpuBackend({ threads: 1 }), createCpuBackend({ threads: 2 })];
const X = one.randn(700, 700, createRng(1));
const [g1, g2] = [one.gram(X), two.gram(X)];
const [a, b] = [one.eigvalsh(g1), two.eigvalsh(g2)];
one.dispose();
two.dispose();
const top = a[a.length - 1];
if (g1.data.some((x, i) => x !== g2.data[i])) {
  console.error('error: the Gram matrix on two threads differs from one thread');
  process.exit(1);
}
if (a.length !== 700 || a.some((x, i) => !(Math.abs(x - b[i]) <= 1e-10 * top))) {
  console.error('error: the eigenvalues on two threads differ from one thread beyond rounding');
  process.exit(1);
}
console.log('  ok: at n = 700 on two threads: the Gram matrix bit for bit, the eigenvalues to 1e-10 of the largest');
JS
node workers.mjs

echo "== README examples, type-checked against the installed packages, then run"
mkdir examples
for pkg in $published; do cp "$repo/$pkg/examples/readme.ts" "examples/$(basename "$pkg").ts"; done
cat >tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "types": ["node"],
    "outDir": "out",
    "noEmitOnError": true
  },
  "include": ["examples"]
}
JSON
npx --no-install tsc -p .
for pkg in $published; do
  echo "-- $pkg"
  node "out/$(basename "$pkg").js" >"out/$(basename "$pkg").txt"
  node "$repo/scripts/readme-examples.mjs" check "$pkg" <"out/$(basename "$pkg").txt"
done
