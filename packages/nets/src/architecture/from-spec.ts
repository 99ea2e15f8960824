import {
  SpecError,
  registry as defaultRegistry,
  type ApplyExtras,
  type LayerContext,
  type Shape,
  type Registry,
  type Activations,
  type Layer,
  type LayerParams,
} from '@spec/core';
import {
  atLayer,
  checkEntry,
  entryKernelMap,
  isBuiltinKind,
  knownKinds,
  noClosedFormReason,
} from '../kernel-maps/from-spec.js';
import { serialKernelMap } from '../kernel-maps/combinators.js';
import type { LayerKernelMap } from '../kernel-maps/layer-map.js';
import { spatialActivation } from '../spatial/activation.js';
import { spatialAttention } from '../spatial/attention.js';
import { spatialFanInSum, spatialIdentity, spatialResidual, spatialSerial } from '../spatial/combinators.js';
import { spatialConv } from '../spatial/conv.js';
import { spatialDense } from '../spatial/dense.js';
import { spatialFlatten, spatialLast } from '../spatial/flatten.js';
import { spatialLayerNorm } from '../spatial/layernorm.js';
import { assertCount } from '../spatial/params.js';
import { spatialAvgPool, spatialGlobalAvgPool, spatialMaxPool, spatialSumPool } from '../spatial/pooling.js';
import { spatialRnn } from '../spatial/rnn.js';
import type { ArchitectureSpec, Padding } from './spec.js';

/** Options of {@link spatialNetworkFromSpec}. */
export interface SpatialNetworkFromSpecOptions {
  /**
   * The width N: the output channels of every hidden dense, conv and attention layer and the state size of every RNN,
   * unless the entry sets its own `width` (dense, conv, rnn). The readout (the last entry, a dense layer) has 1 output.
   */
  readonly width: number;
  /** Where activations and plugin layers are looked up (default: the shared registry of `@spec/core`). */
  readonly registry?: Registry;
}

/**
 * A finite network built from the JSON format: one {@link Layer} (the serial composition of its layers) that
 * also holds the layers one by one — for `initSpatialNetwork` / `spatialEmpiricalKernels`, which need the readout's
 * input for the CK — and, when every entry has a closed form, the whole network's infinite-width kernel map.
 */
export interface SpatialNetwork extends Layer {
  /** The top-level layers, input to output; each has its `kernelMap` slot set when its entry has a closed form. */
  readonly layers: ReadonlyArray<Layer>;
  /** The width N the network was built with. */
  readonly width: number;
  /**
   * The composed map of every entry (as `kernelMapFromSpec` builds it), the map the layer's `kernelMap()` returns; unset
   * when some entry has no closed form.
   */
  readonly infiniteMap?: LayerKernelMap;
  /** Why `infiniteMap` is unset (the first entry without a closed form), when it is. */
  readonly noKernelMap?: string;
}

type Entry = Readonly<Record<string, unknown>>;

/** Kinds the kernel maps know to have no closed form and that have no finite layer here either. */
const NO_FINITE_LAYER: Record<string, string> = {
  batch_norm: 'batch_norm has no finite layer in @spec/nets (it couples the samples); use layernorm',
  batchnorm: 'batch_norm has no finite layer in @spec/nets (it couples the samples); use layernorm',
};

/** Built-in kinds with a finite layer but no closed-form kernel map, and their parameters. */
const FINITE_ONLY: Record<string, ReadonlyArray<string>> = {
  max_pool: ['window', 'strides', 'padding'],
};

interface Context {
  readonly width: number;
  readonly reg: Registry;
}

/**
 * The layer with every SpecError it throws (at init, apply, vjp, ntk, ntkTerms) prefixed by `at`, and `kernelMap`
 * returning the entry's map; everything else of the layer (its terms, its output shape) passes through.
 */
function located(at: string, layer: Layer, kernelMap: LayerKernelMap | undefined): Layer {
  const { ntkTerms, outShape } = layer;
  return {
    kind: layer.kind,
    init: (inShape, rng) => atLayer(at, () => layer.init(inShape, rng)),
    ...(outShape !== undefined
      ? { outShape: (inShape: Shape) => atLayer(at, () => outShape.call(layer, inShape)) }
      : {}),
    apply: (params: LayerParams, x: Activations, ctx: LayerContext, extras?: ApplyExtras) =>
      atLayer(at, () => layer.apply(params, x, ctx, extras)),
    vjp: (params, cache, gy, ctx, options) => atLayer(at, () => layer.vjp(params, cache, gy, ctx, options)),
    ntk: (params, cache, gy, ctx) => atLayer(at, () => layer.ntk(params, cache, gy, ctx)),
    ...(ntkTerms !== undefined
      ? {
          ntkTerms: (params: LayerParams, cache: unknown, gy: Activations, ctx: LayerContext) => {
            const step = atLayer(at, () => ntkTerms.call(layer, params, cache, gy, ctx));
            return { terms: step.terms, gradInput: () => atLayer(at, step.gradInput) };
          },
        }
      : {}),
    ...(kernelMap !== undefined ? { kernelMap: () => kernelMap } : {}),
  };
}

/** The finite layer of one built-in entry (parameter names already checked; values checked by the layers). */
function builtinLayer(kind: string, e: Entry, ctx: Context, where: string, readout: boolean): Layer {
  const num = (name: string): number | undefined => e[name] as number | undefined;
  const list = (name: string): ReadonlyArray<number> => e[name] as ReadonlyArray<number>;
  const widthOf = (fallback: number): number =>
    e.width === undefined ? fallback : assertCount(e.width, kind, 'width');
  switch (kind) {
    case 'dense': {
      const width = widthOf(readout ? 1 : ctx.width);
      if (readout && width !== 1) {
        throw new SpecError('E_INPUT', `the readout has one output; drop "width" or set it to 1 (got ${width})`);
      }
      return spatialDense({ width, W_std: num('W_std'), b_std: num('b_std') });
    }
    case 'conv':
      return spatialConv({
        width: widthOf(ctx.width),
        filter: list('filter'),
        strides: e.strides as ReadonlyArray<number> | undefined,
        padding: e.padding as Padding | undefined,
        W_std: num('W_std'),
        b_std: num('b_std'),
      });
    case 'act':
      return spatialActivation({ fn: ctx.reg.activation(e.fn as string) });
    case 'avg_pool':
      return spatialAvgPool({
        window: list('window'),
        strides: e.strides as ReadonlyArray<number> | undefined,
        padding: e.padding as Padding | undefined,
        normalize_edges: e.normalize_edges as boolean | undefined,
      });
    case 'sum_pool':
      if (e.normalize_edges === true) throw new SpecError('E_INPUT', 'normalize_edges applies to avg_pool only');
      return spatialSumPool({
        window: list('window'),
        strides: e.strides as ReadonlyArray<number> | undefined,
        padding: e.padding as Padding | undefined,
      });
    case 'max_pool':
      return spatialMaxPool({
        window: list('window'),
        strides: e.strides as ReadonlyArray<number> | undefined,
        padding: e.padding as Padding | undefined,
      });
    case 'global_avg_pool':
      return spatialGlobalAvgPool();
    case 'flatten':
      return spatialFlatten();
    case 'last':
      return spatialLast();
    case 'identity':
      return spatialIdentity();
    case 'layernorm':
      return spatialLayerNorm({ eps: num('eps') });
    case 'attention':
      return spatialAttention({
        width: ctx.width,
        mode: e.mode as 'tied' | 'untied' | 'sqrt' | undefined,
        mechanism: e.mechanism as 'softmax' | 'identity' | undefined,
        QK_std: num('QK_std'),
        OV_std: num('OV_std'),
        b_std: num('b_std'),
        n_heads: num('n_heads'),
        d_head: num('d_head'),
      });
    case 'rnn':
      return spatialRnn({
        width: widthOf(ctx.width),
        act: ctx.reg.activation(e.act as string),
        W_std: num('W_std'),
        U_std: num('U_std'),
        b_std: num('b_std'),
      });
    case 'residual':
      return spatialResidual({
        branch: buildChain(e.branch as ArchitectureSpec, ctx, `${where}, branch `),
        alpha: num('alpha'),
      });
    case 'sum':
      return spatialFanInSum({
        branches: (e.branches as ArchitectureSpec[]).map((b, i) => buildChain(b, ctx, `${where}, branch ${i + 1} `)),
        weights: e.weights as ReadonlyArray<number> | undefined,
      });
    default:
      throw new SpecError('E_INPUT', `unknown layer kind "${kind}"`);
  }
}

/** One entry: its finite layer with the entry's kernel map in the slot (none when it has no closed form). */
function buildEntry(entry: unknown, ctx: Context, where: string, readout: boolean): Layer {
  const reason = noClosedFormReason(entry, ctx.reg);
  // With a closed form, building the map first validates the entry exactly as kernelMapFromSpec does.
  const kernelMap = reason === undefined ? entryKernelMap(entry, ctx.reg, where) : undefined;
  const { kind, entry: e, at } = checkEntry(entry, where);
  const layer = atLayer(at, (): Layer => {
    if (kind in NO_FINITE_LAYER) throw new SpecError('E_INPUT', NO_FINITE_LAYER[kind]);
    if (kind in FINITE_ONLY) {
      const unknown = Object.keys(e).find((k) => k !== 'layer' && !FINITE_ONLY[kind].includes(k));
      if (unknown !== undefined) {
        throw new SpecError('E_INPUT', `unknown parameter "${unknown}" (takes ${FINITE_ONLY[kind].join(', ')})`);
      }
      return builtinLayer(kind, e, ctx, where, readout);
    }
    if (isBuiltinKind(kind)) return builtinLayer(kind, e, ctx, where, readout);
    if (ctx.reg.hasLayer(kind)) return ctx.reg.layer(kind).create(e, { width: ctx.width });
    if (ctx.reg.hasActivation(kind)) return spatialActivation({ fn: ctx.reg.activation(kind) });
    if (ctx.reg.hasKernelMap(kind)) {
      throw new SpecError(
        'E_INPUT',
        `no finite layer for the plugin kind "${kind}": its plugin registers a kernel map only (add a layers entry to the plugin)`,
      );
    }
    throw new SpecError('E_INPUT', `unknown layer kind "${kind}" (known: ${knownKinds(ctx.reg).join(', ')})`);
  });
  return located(at, layer, kernelMap);
}

/** A branch of a residual / sum block: its layers in order as one serial layer. */
function buildChain(spec: ArchitectureSpec, ctx: Context, prefix: string): Layer {
  const layers = spec.map((entry, i) => buildEntry(entry, ctx, `${prefix}layer ${i + 1}`, false));
  return withKernelMap(spatialSerial(layers), chainMap(layers));
}

/** The serial composition of the layers' maps, when every layer has one. */
function chainMap(layers: ReadonlyArray<Layer>): LayerKernelMap | undefined {
  // Every layer here came through `located` or `withKernelMap`, whose kernelMap() returns the entry's located map.
  const maps = layers.map((l) => l.kernelMap?.({ spatial: [], channels: 1 }) as LayerKernelMap | undefined);
  return maps.every((m) => m !== undefined) ? serialKernelMap(maps as LayerKernelMap[]) : undefined;
}

function withKernelMap(layer: Layer, kernelMap: LayerKernelMap | undefined): Layer {
  return kernelMap === undefined ? layer : { ...layer, kernelMap: () => kernelMap };
}

/**
 * The finite-width network of an architecture in the JSON format (apps/docs/theory/architectures.md#json-format,
 * #finite-layers): every entry becomes its `Layer` (built-in kinds, activation names of the registry, and plugin
 * kinds through `Plugin.layers`), hidden layers of width `options.width` unless the entry sets `width`, the
 * readout a dense layer with one output; each layer's `kernelMap` slot holds the same entry's infinite-width map, so
 * one object describes the network at finite and infinite width. An entry with no closed form (softmax attention with
 * 1/√d, max_pool, a plugin kind with a finite layer only) leaves its slot — and the network's — empty and its layer usable.
 * Entries are validated by the kernel-map builder's validator; every error, also at init and apply time, names the
 * 1-based layer index (and the branch within residual / sum blocks).
 *
 * @throws SpecError `E_INPUT` for an empty network, a width that is not a positive integer, a last entry that is not a
 *   one-output dense readout, an unknown kind, a missing, unknown or invalid parameter, or a kind with no finite layer
 *   (batch_norm, which couples the samples)
 */
export function spatialNetworkFromSpec(spec: ArchitectureSpec, options: SpatialNetworkFromSpecOptions): SpatialNetwork {
  if (!Array.isArray(spec) || spec.length === 0) {
    throw new SpecError('E_INPUT', 'architecture: expected a non-empty list of layers like [{"layer": "dense"}]');
  }
  if (options === null || typeof options !== 'object') {
    throw new SpecError('E_INPUT', 'architecture: options { width } are required');
  }
  const width = assertCount(options.width, 'architecture', 'width');
  const ctx: Context = { width, reg: options.registry ?? defaultRegistry };
  const last = spec[spec.length - 1] as { readonly layer?: unknown } | null;
  if (last === null || typeof last !== 'object' || last.layer !== 'dense') {
    throw new SpecError(
      'E_INPUT',
      `layer ${spec.length} (${String(last?.layer)}): the network must end in a one-output dense readout, e.g. {"layer": "dense"}`,
    );
  }
  const layers = spec.map((entry, i) => buildEntry(entry, ctx, `layer ${i + 1}`, i === spec.length - 1));
  const infiniteMap = chainMap(layers);
  const serial = spatialSerial(layers);
  const first = infiniteMap === undefined ? spec.findIndex((e) => noClosedFormReason(e, ctx.reg) !== undefined) : -1;
  const reason =
    first >= 0
      ? `layer ${first + 1} (${String((spec[first] as Entry).layer)}): ${noClosedFormReason(spec[first], ctx.reg)}`
      : undefined;
  return {
    ...serial,
    layers,
    width,
    ...(infiniteMap !== undefined ? { infiniteMap, kernelMap: () => infiniteMap } : {}),
    ...(reason !== undefined ? { noKernelMap: reason } : {}),
  };
}
