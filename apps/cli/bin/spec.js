#!/usr/bin/env node
// Installed entry point: runs the built CLI (`pnpm build`). In the repository use `pnpm -s spec`.
import '../dist/main.js';
