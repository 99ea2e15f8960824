/**
 * Browser entry bundled by run.ts (esbuild): runs @spec/backend-gpujs itself (mode selection, tiling,
 * probe validation) in the page for each requested mode and compares with @spec/backend-cpu in the
 * same page. Results land in window.backendResults.
 */
import { createCpuBackend } from '@spec/backend-cpu';
import { createGpujsBackend, type GpujsMode } from '@spec/backend-gpujs';
import { createRng } from '@spec/core';

interface Row {
  readonly mode: string;
  readonly name?: string;
  readonly n?: number;
  readonly gpujsMs?: number;
  readonly cpuMs?: number;
  /** max_ij |C32 − C64| / (|A||B|)_ij over a 16 × 16 corner (relative to the float32 error bound scale). */
  readonly relError?: number;
  readonly error?: string;
}

function median(xs: number[]): number {
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

async function main(): Promise<Row[]> {
  const params = new URLSearchParams(location.search);
  const sizes = (params.get('sizes') ?? '256,512').split(',').map(Number);
  const modes = (params.get('modes') ?? 'auto,webgl2,webgl,webasm').split(',') as GpujsMode[];
  const cpu = createCpuBackend();
  const rows: Row[] = [];
  for (const mode of modes) {
    let gpu;
    try {
      gpu = await createGpujsBackend({ mode });
    } catch (e) {
      rows.push({ mode, error: e instanceof Error ? e.message : String(e) });
      continue;
    }
    for (const n of sizes) {
      try {
        const A = cpu.randn(n, n, createRng(1));
        const B = cpu.randn(n, n, createRng(2));
        gpu.gemm(A, B);
        const tg: number[] = [];
        const tc: number[] = [];
        let C = gpu.gemm(A, B);
        let R = cpu.gemm(A, B);
        for (let r = 0; r < 3; r++) {
          let t0 = performance.now();
          C = gpu.gemm(A, B);
          tg.push(performance.now() - t0);
          t0 = performance.now();
          R = cpu.gemm(A, B);
          tc.push(performance.now() - t0);
        }
        let worst = 0;
        for (let i = 0; i < 16; i++)
          for (let j = 0; j < 16; j++) {
            let bound = 0;
            for (let k = 0; k < n; k++) bound += Math.abs(A.data[i * n + k] * B.data[k * n + j]);
            worst = Math.max(worst, Math.abs(C.data[i * n + j] - R.data[i * n + j]) / bound);
          }
        rows.push({ mode, name: gpu.name, n, gpujsMs: median(tg), cpuMs: median(tc), relError: worst });
      } catch (e) {
        rows.push({ mode, name: gpu.name, n, error: e instanceof Error ? e.message : String(e) });
      }
    }
    gpu.dispose();
  }
  return rows;
}

window.addEventListener('load', () => {
  setTimeout(() => {
    main().then(
      (rows) => ((window as unknown as { backendResults: Row[] }).backendResults = rows),
      (e: unknown) =>
        ((window as unknown as { backendResults: Row[] }).backendResults = [{ mode: '?', error: String(e) }]),
    );
  }, 0);
});
