#!/usr/bin/env node
// The installed `spec` command: runs the compiled CLI. In the repository, `pnpm -s spec` runs the same file after
// checking that the build is up to date (scripts/spec.mjs).
import '../dist/main.js';
