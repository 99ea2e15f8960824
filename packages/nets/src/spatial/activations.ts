import { SpecError, type Activations, type Shape } from '@spec/core';

/** L = the number of positions of a spatial shape (1 for `[]`). */
export function spatialSize(spatial: ReadonlyArray<number>): number {
  let L = 1;
  for (const s of spatial) L *= s;
  return L;
}

/** Wraps `data` as activations of `samples` samples of shape `shape` (no copy). */
export function activations(data: Float64Array, samples: number, shape: Shape): Activations {
  return { data, samples, spatial: [...shape.spatial], channels: shape.channels };
}

/** Zero activations of `samples` samples of shape `shape`. */
export function zeroActivations(samples: number, shape: Shape): Activations {
  return activations(new Float64Array(samples * spatialSize(shape.spatial) * shape.channels), samples, shape);
}

/** The per-sample shape of `x`. */
export function shapeOf(x: Activations): Shape {
  return { spatial: x.spatial, channels: x.channels };
}

/** `"[8, 8] × 3"`: a per-sample shape for messages. */
export function describeShape(shape: Shape): string {
  return `[${shape.spatial.join(', ')}] × ${shape.channels} channels`;
}

/** True when two per-sample shapes agree. */
export function sameShape(a: Shape, b: Shape): boolean {
  return (
    a.channels === b.channels && a.spatial.length === b.spatial.length && a.spatial.every((s, i) => s === b.spatial[i])
  );
}

/**
 * Checks that `x` is a well-formed activation record (positive integer sizes, data of length n·L·C) and, when
 * `expected` is given, that it has that per-sample shape.
 *
 * @throws SpecError `E_SHAPE` naming `layer` and `what`
 */
export function assertActivations(
  x: Activations,
  layer: string,
  what: string,
  expected?: Shape & { readonly samples?: number },
): void {
  if (x === null || typeof x !== 'object' || !(x.data instanceof Float64Array) || !Array.isArray(x.spatial)) {
    throw new SpecError(
      'E_SHAPE',
      `${layer}: ${what} must be activations { data: Float64Array, samples, spatial, channels }`,
    );
  }
  const ints = [x.samples, x.channels, ...x.spatial];
  if (!ints.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new SpecError(
      'E_SHAPE',
      `${layer}: ${what} needs positive integer samples, spatial sizes and channels, got samples ${x.samples}, ${describeShape(x)}`,
    );
  }
  const size = x.samples * spatialSize(x.spatial) * x.channels;
  if (x.data.length !== size) {
    throw new SpecError(
      'E_SHAPE',
      `${layer}: ${what} has ${x.data.length} entries, but ${x.samples} samples of ${describeShape(x)} need ${size}`,
    );
  }
  if (expected !== undefined) {
    if (!sameShape(x, expected) || (expected.samples !== undefined && expected.samples !== x.samples)) {
      const want = expected.samples !== undefined ? `${expected.samples} samples of ` : '';
      throw new SpecError(
        'E_SHAPE',
        `${layer}: ${what} must be ${want}${describeShape(expected)}, got ${x.samples} samples of ${describeShape(x)}`,
      );
    }
  }
}

/** True for a per-sample shape of positive integer spatial sizes and channels. */
export function isShape(shape: unknown): shape is Shape {
  if (shape === null || typeof shape !== 'object') return false;
  const { spatial, channels } = shape as { spatial?: unknown; channels?: unknown };
  return Array.isArray(spatial) && [channels, ...spatial].every((v) => Number.isInteger(v) && (v as number) >= 1);
}

/** Checks a per-sample input shape handed to `init`. @throws SpecError `E_SHAPE` naming `layer` */
export function assertShapeArg(shape: Shape, layer: string): void {
  if (!isShape(shape)) {
    throw new SpecError(
      'E_SHAPE',
      `${layer}: the input shape needs positive integer spatial sizes and channels, got ${JSON.stringify(shape)}`,
    );
  }
}
