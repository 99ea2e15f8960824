import { createRng, definePlugin, fromRows, registry, use, SpecError } from '@spec/core';

// A user plugin: an activation, registered exactly as the built-ins are.
use(
  definePlugin({
    name: 'cosine',
    activations: [
      { name: 'cos', fn: Math.cos, deriv: (x) => -Math.sin(x), source: { fn: 'Math.cos(x)', deriv: '-Math.sin(x)' } },
    ],
  }),
);
console.log('cos(0) =', registry.activation('cos').fn(0)); // 1

// Seeded streams: the same seed and key give the same numbers, whatever was drawn elsewhere.
const first = createRng(42).split('weights').normal();
const rng = createRng(42);
rng.split('data').normal();
console.log('reproducible:', rng.split('weights').normal() === first); // true

const X = fromRows([
  [1, 0],
  [0, 1],
]); // 2 × 2, samples are columns
console.log('X is', X.rows, '×', X.cols);
try {
  fromRows([[1, 2], [3]]);
} catch (e) {
  if (e instanceof SpecError) console.log(e.code, e.message); // E_SHAPE …
}
