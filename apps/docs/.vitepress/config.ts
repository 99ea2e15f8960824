import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';
import { browserNodeStubs } from './node-stubs';

// Workspace packages are consumed from source (their "source" export condition), so the site
// needs no build of the libraries first — the same convention as vitest and the CLI.
const conditions = ['source', 'browser', 'module', 'import', 'default'];

/** Whether typedoc has generated the API reference (public/api) that the pages link to. */
const apiBuilt = existsSync(fileURLToPath(new URL('../public/api/index.html', import.meta.url)));

export default defineConfig({
  title: 'spec',
  description: 'Spectra of neural-network kernels (CK, NTK), their random-matrix and infinite-width limits',
  // No favicon file: an empty data URL stops browsers asking for /favicon.ico (a 404 in the console).
  head: [['link', { rel: 'icon', href: 'data:,' }]],
  cleanUrls: false,
  lastUpdated: false,
  // Static files only: markdown that typedoc copies into public/api/media is not a page of the site.
  srcExclude: ['public/**'],
  // Generated pages (typedoc) live under public/api and are linked, not processed. `pnpm docs:build` runs
  // typedoc first, so there every /api/… link is checked against the generated file; only a dev server
  // started without them skips the check.
  ignoreDeadLinks: [(url: string) => !apiBuilt && url.startsWith('/api/')],
  markdown: {
    // Formulas on the theory pages: $…$ and $$…$$, rendered to SVG at build time (markdown-it-mathjax3).
    math: true,
    config: (md) => {
      // API pages are plain HTML outside the VitePress router: open them as ordinary links. VitePress's own
      // rule runs first, so the link is still recorded for the dead-link check (a `target` set in the
      // markdown would skip it).
      const linkOpen = md.renderer.rules.link_open;
      md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
        const html = linkOpen ? linkOpen(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
        const token = tokens[idx];
        const href = token.attrGet('href') ?? '';
        return href.startsWith('/api/') && token.attrGet('target') === null
          ? html.replace(/^<a /, '<a target="_self" ')
          : html;
      };
    },
  },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Gallery', link: '/gallery' },
      { text: 'Explorer', link: '/explorer' },
      { text: 'Theory', link: '/theory/' },
      { text: 'API', link: '/api/index.html', target: '_self' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'CK / NTK spectra vs limits', link: '/guide/spectra' },
          { text: 'Limit densities', link: '/guide/limits' },
          { text: 'Data', link: '/guide/data' },
          { text: 'Infinite width', link: '/guide/infinite' },
          { text: 'Architectures', link: '/guide/architectures' },
          { text: 'Power series', link: '/guide/series' },
          { text: 'Dispersion and phases', link: '/guide/dispersion' },
          { text: 'Training and spectra', link: '/guide/training' },
          { text: 'Paper reproductions', link: '/guide/reproductions' },
          { text: 'Plugins', link: '/guide/plugins' },
        ],
      },
      {
        text: 'Theory',
        items: [
          { text: 'Overview', link: '/theory/' },
          { text: 'Shared toolkit', link: '/theory/toolkit' },
          { text: 'CK and NTK at linear width', link: '/theory/fan-wang' },
          { text: 'Spectra during training', link: '/theory/spectral-evolution' },
          { text: 'NTK as a power series', link: '/theory/power-series' },
          { text: 'Infinite width', link: '/theory/infinite-width' },
          { text: 'Kernels of architectures', link: '/theory/architectures' },
          { text: 'NTK dispersion', link: '/theory/dispersion' },
          { text: 'Reference values', link: '/theory/reference-values' },
        ],
      },
      {
        text: 'See it work',
        items: [
          { text: 'Figure gallery', link: '/gallery' },
          { text: 'Spectrum explorer', link: '/explorer' },
          { text: 'API reference', link: '/api/index.html', target: '_self' },
        ],
      },
    ],
    search: { provider: 'local' },
  },
  vite: {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['source'] } },
    plugins: [browserNodeStubs()],
    worker: { format: 'es', plugins: () => [browserNodeStubs()] },
    build: { chunkSizeWarningLimit: 2000 },
  },
});
