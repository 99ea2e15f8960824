import { registry } from '@spec/core';
import { expectSpecErrorAsync } from '@spec/testing';
import { describe, expect, it } from 'vitest';
import { createGpujsBackend, gpujsBackendPlugin, registerGpujsBackend, resolveMode } from '../src/index.js';
import { GPU } from '../src/gpujs-types.js';

describe('mode selection', () => {
  it('auto picks a working mode and says why faster ones were skipped', async () => {
    const b = await createGpujsBackend();
    try {
      expect(b.name).toMatch(/^gpujs:(headlessgl|webgl2|webgl|webasm|cpu)$/);
      if (!GPU.isHeadlessGLSupported) {
        expect(b.name).toBe('gpujs:webasm');
        expect(b.skippedModes[0]).toMatch(/^headlessgl: headless-gl is unavailable/);
        expect(b.skippedModes.some((s) => s.startsWith('webgl2:'))).toBe(true);
      }
    } finally {
      b.dispose();
    }
  });

  it('explicit webgpu is refused: gpu.js runs WebGPU only asynchronously', () => {
    expect(() => resolveMode('webgpu')).toThrow(/cannot serve the synchronous Backend interface/);
  });

  it('an explicit mode that cannot run here throws E_BACKEND with the reason', async () => {
    await expectSpecErrorAsync(
      createGpujsBackend({ mode: 'webgl2' }),
      'E_BACKEND',
      /mode "webgl2" cannot run here: webgl2: WebGL2 is unavailable/,
    );
    if (!GPU.isHeadlessGLSupported) {
      await expectSpecErrorAsync(
        createGpujsBackend({ mode: 'headlessgl' }),
        'E_BACKEND',
        /optional "gl" package is not built/,
      );
      await expectSpecErrorAsync(createGpujsBackend({ mode: 'gpu' }), 'E_BACKEND', /mode "gpu" cannot run here/);
    }
  });

  it('bad options are E_INPUT', async () => {
    await expectSpecErrorAsync(
      createGpujsBackend({ mode: 'cpu', tile: 0 }),
      'E_INPUT',
      /tile must be an integer in \[1, 4096\], got 0/,
    );
    await expectSpecErrorAsync(createGpujsBackend({ mode: 'cpu', kTile: 5000 }), 'E_INPUT', /kTile/);
  });

  it('calls after dispose() throw E_BACKEND', async () => {
    const b = await createGpujsBackend({ mode: 'cpu' });
    b.dispose();
    expect(() => b.gram({ rows: 1, cols: 1, data: Float64Array.of(1) })).toThrow(/gram called after dispose/);
  });
});

describe('plugin registration', () => {
  it('registers backend "gpujs" in the default registry on import, once', () => {
    expect(registry.backends().filter((b) => b.name === 'gpujs').length).toBe(1);
    // registering again (what a second copy of the package does on import) must not throw "already registered"
    expect(() => registerGpujsBackend()).not.toThrow();
    expect(registry.backends().filter((b) => b.name === 'gpujs').length).toBe(1);
    expect(gpujsBackendPlugin.backends.map((b) => b.name)).toEqual(['gpujs']);
  });

  it('the registered factory creates the backend from an options record', async () => {
    const b = await registry.backend('gpujs').create({ mode: 'cpu' });
    expect(b.name).toBe('gpujs:cpu');
    b.dispose();
    await expectSpecErrorAsync(
      registry.backend('gpujs').create({ mode: 'cuda' }),
      'E_INPUT',
      /unknown mode "cuda" \(known: auto, gpu/,
    );
    await expectSpecErrorAsync(
      registry.backend('gpujs').create({ mode: 'cpu', tile: '8' }),
      'E_INPUT',
      /tile must be a number/,
    );
  });
});
