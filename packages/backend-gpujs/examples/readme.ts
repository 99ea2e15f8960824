import { createRng } from '@spec/core';
import { createCpuBackend } from '@spec/backend-cpu';
import { createGpujsBackend } from '@spec/backend-gpujs';

const gpu = await createGpujsBackend(); // mode 'auto': a GPU where there is one, else WebAssembly or plain JS
const cpu = createCpuBackend();
console.log('backend', gpu.name); // "gpujs:webasm" in Node without headless-gl
const X = gpu.randn(300, 200, createRng(0)); // drawn on the CPU: the same numbers as backend-cpu
const K = gpu.gram(X); // 200 × 200, Float32Array, exactly symmetric
const exact = cpu.gram(X); // float64
let err = 0;
let scale = 0;
for (let i = 0; i < K.data.length; i++) {
  err = Math.max(err, Math.abs(K.data[i] - exact.data[i]));
  scale = Math.max(scale, Math.abs(exact.data[i]));
}
console.log('float32 Gram, largest error relative to the largest entry:', err / scale);
const lambda = gpu.eigvalsh(K); // float64, computed on the CPU
console.log('eigvalsh computed by', gpu.computedBy('eigvalsh'), '; largest', lambda[199]);
gpu.dispose();
cpu.dispose();
