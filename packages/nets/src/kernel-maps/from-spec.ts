import {
  SpecError,
  isBlockFanInSum,
  isSpecError,
  registry as defaultRegistry,
  type Registry,
  type BlockStep,
} from '@spec/core';
import type { ArchitectureSpec, Padding } from '../architecture/spec.js';
import { activationKernelMap } from './activation.js';
import { attentionKernelMap } from './attention.js';
import {
  fanInSumKernelMap,
  fanOutKernelMap,
  identityKernelMap,
  residualKernelMap,
  serialKernelMap,
} from './combinators.js';
import { convKernelMap } from './conv.js';
import { denseKernelMap } from './dense.js';
import { layerNormKernelMap } from './layernorm.js';
import { asLayerKernelMap, type LayerKernelMap } from './layer-map.js';
import { avgPoolKernelMap } from './pooling.js';
import { flattenKernelMap, globalAvgPoolKernelMap, lastKernelMap } from './readouts.js';
import { rnnKernelMap } from './rnn.js';

/** Options of {@link kernelMapFromSpec}. */
export interface KernelMapFromSpecOptions {
  /** Where activations and plugin kernel maps are looked up (default: the shared registry of `@spec/core`). */
  readonly registry?: Registry;
}

type Entry = Readonly<Record<string, unknown>>;

/** Parameters each built-in kind accepts (finite-width-only ones included, ignored by the kernel maps). */
const PARAMETERS: Record<string, ReadonlyArray<string>> = {
  dense: ['W_std', 'b_std', 'width'],
  conv: ['filter', 'strides', 'padding', 'W_std', 'b_std', 'width'],
  act: ['fn'],
  avg_pool: ['window', 'strides', 'padding', 'normalize_edges'],
  sum_pool: ['window', 'strides', 'padding', 'normalize_edges'],
  global_avg_pool: [],
  flatten: [],
  last: [],
  identity: [],
  layernorm: ['eps'],
  attention: ['mode', 'mechanism', 'QK_std', 'OV_std', 'b_std', 'n_heads', 'd_head'],
  rnn: ['act', 'W_std', 'U_std', 'b_std', 'width'],
  residual: ['branch', 'alpha'],
  sum: ['branches', 'weights'],
};

/** Kinds with no closed-form kernel map, and why (apps/docs/theory/architectures.md#no-closed-form). */
const NO_CLOSED_FORM: Record<string, string> = {
  max_pool:
    'the expectation of a maximum of correlated Gaussians has no closed form on the kernel record; use avg_pool, or estimate the kernel by Monte Carlo of finite networks',
  batch_norm:
    'batch normalisation couples the samples of a batch, so its kernel is not a map on pairs of samples; use layernorm, or estimate the kernel by Monte Carlo of finite networks',
  batchnorm:
    'batch normalisation couples the samples of a batch, so its kernel is not a map on pairs of samples; use layernorm, or estimate the kernel by Monte Carlo of finite networks',
};

function optionalNumber(entry: Entry, name: string, kind: string): number | undefined {
  const v = entry[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new SpecError('E_INPUT', `${kind}: ${name} must be a finite number, got ${JSON.stringify(v)}`);
  }
  return v;
}

function optionalChoice<T extends string>(
  entry: Entry,
  name: string,
  kind: string,
  allowed: ReadonlyArray<T>,
): T | undefined {
  const v = entry[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(allowed as ReadonlyArray<string>).includes(v)) {
    throw new SpecError(
      'E_INPUT',
      `${kind}: ${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(v)}`,
    );
  }
  return v as T;
}

function requiredList(entry: Entry, name: string, kind: string): ReadonlyArray<number> {
  if (entry[name] === undefined) throw new SpecError('E_INPUT', `${kind}: parameter "${name}" is required`);
  return entry[name] as ReadonlyArray<number>;
}

function optionalBoolean(entry: Entry, name: string, kind: string): boolean | undefined {
  const v = entry[name];
  if (v !== undefined && typeof v !== 'boolean') {
    throw new SpecError('E_INPUT', `${kind}: ${name} must be true or false, got ${JSON.stringify(v)}`);
  }
  return v as boolean | undefined;
}

const PADDINGS: ReadonlyArray<Padding> = ['VALID', 'SAME', 'CIRCULAR'];

/** The map of one built-in entry (parameters already checked by name). */
function builtinMap(kind: string, e: Entry, reg: Registry, path: string): LayerKernelMap {
  switch (kind) {
    case 'dense':
      return denseKernelMap({ W_std: optionalNumber(e, 'W_std', kind), b_std: optionalNumber(e, 'b_std', kind) });
    case 'conv':
      return convKernelMap({
        filter: requiredList(e, 'filter', kind),
        strides: e.strides as ReadonlyArray<number> | undefined,
        padding: optionalChoice(e, 'padding', kind, PADDINGS),
        W_std: optionalNumber(e, 'W_std', kind),
        b_std: optionalNumber(e, 'b_std', kind),
      });
    case 'act':
      if (typeof e.fn !== 'string')
        throw new SpecError('E_INPUT', 'act: parameter "fn" (an activation name) is required');
      return activationKernelMap(reg.activation(e.fn));
    case 'avg_pool':
    case 'sum_pool':
      return avgPoolKernelMap({
        window: requiredList(e, 'window', kind),
        strides: e.strides as ReadonlyArray<number> | undefined,
        padding: optionalChoice(e, 'padding', kind, PADDINGS),
        normalize_edges: optionalBoolean(e, 'normalize_edges', kind),
        sum: kind === 'sum_pool',
      });
    case 'global_avg_pool':
      return globalAvgPoolKernelMap();
    case 'flatten':
      return flattenKernelMap();
    case 'last':
      return lastKernelMap();
    case 'identity':
      return identityKernelMap();
    case 'layernorm':
      return layerNormKernelMap({ eps: optionalNumber(e, 'eps', kind) });
    case 'attention':
      return attentionKernelMap({
        mode: optionalChoice(e, 'mode', kind, ['tied', 'untied', 'sqrt']),
        mechanism: optionalChoice(e, 'mechanism', kind, ['softmax', 'identity']),
        QK_std: optionalNumber(e, 'QK_std', kind),
        OV_std: optionalNumber(e, 'OV_std', kind),
        b_std: optionalNumber(e, 'b_std', kind),
      });
    case 'rnn':
      if (typeof e.act !== 'string')
        throw new SpecError('E_INPUT', 'rnn: parameter "act" (an activation name) is required');
      return rnnKernelMap({
        act: reg.activation(e.act),
        W_std: optionalNumber(e, 'W_std', kind),
        U_std: optionalNumber(e, 'U_std', kind),
        b_std: optionalNumber(e, 'b_std', kind),
      });
    case 'residual': {
      if (!Array.isArray(e.branch))
        throw new SpecError('E_INPUT', 'residual: parameter "branch" (a list of layers) is required');
      const branch = buildChain(e.branch as ArchitectureSpec, reg, `${path}, branch `);
      return residualKernelMap(branch, optionalNumber(e, 'alpha', kind) ?? 1);
    }
    case 'sum': {
      if (!Array.isArray(e.branches) || e.branches.length === 0 || !e.branches.every(Array.isArray)) {
        throw new SpecError('E_INPUT', 'sum: parameter "branches" (a non-empty list of layer lists) is required');
      }
      const branches = (e.branches as ArchitectureSpec[]).map((b, i) =>
        buildChain(b, reg, `${path}, branch ${i + 1} `),
      );
      const weights = e.weights as ReadonlyArray<number> | undefined;
      if (weights !== undefined && !Array.isArray(weights)) {
        throw new SpecError('E_INPUT', `sum: weights must be a list of numbers, got ${JSON.stringify(weights)}`);
      }
      return fanInSumKernelMap(fanOutKernelMap(branches), weights);
    }
    default:
      throw new SpecError('E_INPUT', `unknown layer kind "${kind}"`);
  }
}

/** Adds "layer i (kind)" in front of the message of every error the map throws at map time. */
function located(where: string, map: LayerKernelMap): LayerKernelMap {
  return {
    label: map.label,
    linearity: map.linearity,
    needsFullSpatial: map.needsFullSpatial,
    outputSpatial: (spatial) => atLayer(where, () => map.outputSpatial(spatial)),
    map: (input) => atLayer(where, () => map.map(input)),
    mapInPlace: map.mapInPlace && ((input) => atLayer(where, () => map.mapInPlace!(input))),
    blocks: map.blocks && ((spatial) => atLayer(where, () => map.blocks!(spatial))?.map((b) => locatedBlock(where, b))),
    diagonalBlocks:
      map.diagonalBlocks &&
      ((spatial) => atLayer(where, () => map.diagonalBlocks!(spatial))?.map((b) => locatedBlock(where, b))),
  };
}

/**
 * A block map whose errors name the layer, like {@link located}; a sum's branches were located when they were built
 * (each layer with its own path).
 */
function locatedBlock(where: string, map: BlockStep): BlockStep {
  if (isBlockFanInSum(map)) return map;
  return {
    inputSize: map.inputSize,
    outputSpatial: map.outputSpatial,
    outputGaussian: (gaussian) => atLayer(where, () => map.outputGaussian(gaussian)),
    ...(map.sampleState !== undefined
      ? { sampleState: (diagonal, variance, mean) => atLayer(where, () => map.sampleState!(diagonal, variance, mean)) }
      : {}),
    mapBlock: (input, output, varianceA, varianceB, stateA, stateB) =>
      atLayer(where, () => map.mapBlock(input, output, varianceA, varianceB, stateA, stateB)),
    mapMean: (mean, variance, state) => atLayer(where, () => map.mapMean(mean, variance, state)),
  };
}

/** The kind of a JSON entry, or throws naming the entry. */
function kindOf(entry: unknown, where: string): string {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new SpecError(
      'E_INPUT',
      `${where}: a layer must be an object like {"layer": "dense"}, got ${JSON.stringify(entry)}`,
    );
  }
  const kind = (entry as Entry).layer;
  if (typeof kind !== 'string') {
    throw new SpecError('E_INPUT', `${where}: the entry has no "layer" name: ${JSON.stringify(entry)}`);
  }
  return kind;
}

/** A JSON entry whose kind is known and whose parameter names are checked (see {@link checkEntry}). */
export interface CheckedEntry {
  readonly kind: string;
  readonly entry: Entry;
  /** Where it is, for messages: `layer 3 (conv)`, `layer 2, branch layer 1 (erf)`. */
  readonly at: string;
}

/**
 * Runs `f`, putting `at` ("layer 3 (conv)") in front of the message of any SpecError it throws that does not name a
 * layer yet (errors from inside a residual / sum branch already carry their full location). Shared by the kernel-map
 * and finite-layer builders so both report the same location.
 */
export function atLayer<T>(at: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isSpecError(e) && !e.message.startsWith('layer ')) {
      throw new SpecError(e.code, `${at}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/**
 * Why an entry has no closed-form infinite-width kernel map (apps/docs/theory/architectures.md#no-closed-form), or
 * undefined when it has one: max_pool, batch_norm, softmax attention with 1/√d, a plugin kind whose plugin gives only
 * a finite layer — here or anywhere inside a residual or sum block. A finite network of such an entry is still well
 * defined. Malformed entries give undefined (the builders report them).
 */
export function noClosedFormReason(entry: unknown, reg: Registry = defaultRegistry): string | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  const e = entry as Entry;
  const kind = e.layer;
  if (typeof kind !== 'string') return undefined;
  if (kind in NO_CLOSED_FORM) return `no infinite-width kernel map for "${kind}": ${NO_CLOSED_FORM[kind]}`;
  if (!(kind in PARAMETERS) && !reg.hasKernelMap(kind) && !reg.hasActivation(kind) && reg.hasLayer(kind)) {
    return `no infinite-width kernel map for the plugin kind "${kind}": its plugin registers a finite layer only (add a kernelMaps entry to the plugin)`;
  }
  if (kind === 'attention' && e.mode === 'sqrt' && (e.mechanism ?? 'softmax') === 'softmax') {
    return 'no infinite-width kernel map for softmax attention with 1/√d scaling (mode "sqrt"): the softmax of Gaussian logits has no closed form';
  }
  const nested =
    kind === 'residual' && Array.isArray(e.branch)
      ? [e.branch as unknown[]]
      : kind === 'sum' && Array.isArray(e.branches)
        ? (e.branches as unknown[]).filter(Array.isArray)
        : [];
  for (const branch of nested) {
    for (const inner of branch as unknown[]) {
      const reason = noClosedFormReason(inner, reg);
      if (reason !== undefined) return reason;
    }
  }
  return undefined;
}

/**
 * Validates what every builder of the JSON format (apps/docs/theory/architectures.md#json-format) needs before it
 * builds anything: the entry is an object with a `layer` name, and a built-in kind gets only its own parameters. The
 * one validator of the format's parameter names, shared by {@link kernelMapFromSpec} and the finite-width builder.
 *
 * @throws SpecError `E_INPUT` naming `where` (e.g. "layer 3")
 */
export function checkEntry(entry: unknown, where: string): CheckedEntry {
  const kind = kindOf(entry, where);
  const at = `${where} (${kind})`;
  const e = entry as Entry;
  if (kind in PARAMETERS) {
    const unknown = Object.keys(e).filter((k) => k !== 'layer' && !PARAMETERS[kind].includes(k));
    if (unknown.length > 0) {
      throw new SpecError(
        'E_INPUT',
        `${at}: unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} (${kind} takes ${PARAMETERS[kind].map((p) => `"${p}"`).join(', ') || 'none'})`,
      );
    }
  }
  return { kind, entry: e, at };
}

/** True when `kind` is one of the built-in kinds of the JSON format (not an activation or plugin kind). */
export function isBuiltinKind(kind: string): boolean {
  return kind in PARAMETERS;
}

/**
 * One entry to a located map (`where` = "layer 3", or "layer 2, branch layer 1"), validated as {@link kernelMapFromSpec}
 * validates every entry.
 *
 * @throws SpecError `E_INPUT` naming the layer
 */
export function entryKernelMap(entry: unknown, reg: Registry, where: string): LayerKernelMap {
  const { kind, entry: e, at } = checkEntry(entry, where);
  const build = (): LayerKernelMap => {
    if (kind in NO_CLOSED_FORM) throw new SpecError('E_INPUT', noClosedFormReason(e, reg)!);
    if (kind in PARAMETERS) return builtinMap(kind, e, reg, where);
    if (reg.hasKernelMap(kind)) return asLayerKernelMap(reg.kernelMap(kind).create(e), kind);
    if (reg.hasActivation(kind)) {
      if (Object.keys(e).length > 1) throw new SpecError('E_INPUT', `the activation "${kind}" takes no parameters`);
      return activationKernelMap(reg.activation(kind));
    }
    if (reg.hasLayer(kind)) {
      throw new SpecError(
        'E_INPUT',
        `no infinite-width kernel map for the plugin kind "${kind}": its plugin registers a finite layer only (add a kernelMaps entry to the plugin)`,
      );
    }
    throw new SpecError('E_INPUT', `unknown layer kind "${kind}" (known: ${knownKinds(reg).join(', ')})`);
  };
  return located(at, atLayer(at, build));
}

/** Every kind an entry may name: built-ins, plugin kinds (kernel maps or finite layers), activations; sorted. */
export function knownKinds(reg: Registry): string[] {
  const kinds = new Set([
    ...Object.keys(PARAMETERS),
    ...reg.kernelMaps().map((k) => k.name),
    ...reg.layers().map((k) => k.name),
    ...reg.activations().map((a) => a.name),
  ]);
  return [...kinds].sort();
}

function buildChain(spec: ArchitectureSpec, reg: Registry, prefix: string): LayerKernelMap {
  return serialKernelMap(spec.map((entry, i) => entryKernelMap(entry, reg, `${prefix}layer ${i + 1}`)));
}

/**
 * The composed infinite-width kernel map of a network in the JSON architecture format
 * (apps/docs/theory/architectures.md#json-format), validating every entry: built-in kinds, activation names of the
 * registry (`{"layer": "relu"}`), and plugin kernel maps registered by kind (`Plugin.kernelMaps`). Errors name the
 * 1-based layer index (and the branch within residual / sum blocks).
 *
 * @throws SpecError `E_INPUT` for an empty network, an unknown kind, a missing, unknown or invalid parameter, or a kind
 *   with no closed form (max_pool, batch_norm, softmax attention with 1/√d)
 */
export function kernelMapFromSpec(spec: ArchitectureSpec, options: KernelMapFromSpecOptions = {}): LayerKernelMap {
  if (!Array.isArray(spec) || spec.length === 0) {
    throw new SpecError('E_INPUT', 'architecture: expected a non-empty list of layers like [{"layer": "dense"}]');
  }
  return buildChain(spec, options.registry ?? defaultRegistry, '');
}
