import { definePlugin, registry } from '@spec/core';
import { createCpuBackend } from './backend.js';

/** The plugin that registers the `cpu` backend (registered in the default registry on import). */
export const cpuBackendPlugin = definePlugin({
  name: 'backend-cpu',
  backends: [
    {
      name: 'cpu',
      description: 'float64 CPU backend: register-tiled GEMM/Gram, Householder + QL symmetric eigensolver',
      create: async () => createCpuBackend(),
    },
  ],
});

/** Registers {@link cpuBackendPlugin} in the default registry unless a `cpu` backend is already there. */
export function registerCpuBackend(): void {
  if (!registry.backends().some((b) => b.name === 'cpu')) registry.use(cpuBackendPlugin);
}
