import { defineConfig } from 'vitepress';
import { browserNodeStubs } from './node-stubs';

// Workspace packages are consumed from source (their "source" export condition), so the site
// needs no build of the libraries first — the same convention as vitest and the CLI.
const conditions = ['source', 'browser', 'module', 'import', 'default'];

export default defineConfig({
  title: 'spec',
  description: 'Spectra of neural-network kernels (CK, NTK), their random-matrix and infinite-width limits',
  // No favicon file: an empty data URL stops browsers asking for /favicon.ico (a 404 in the console).
  head: [['link', { rel: 'icon', href: 'data:,' }]],
  cleanUrls: false,
  lastUpdated: false,
  // Generated pages (typedoc) live under public/api and are linked, not processed.
  ignoreDeadLinks: [/^\/api\//],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Gallery', link: '/gallery' },
      { text: 'Explorer', link: '/explorer' },
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
          { text: 'Power series', link: '/guide/series' },
          { text: 'Dispersion and phases', link: '/guide/dispersion' },
          { text: 'Training and spectra', link: '/guide/training' },
          { text: 'Paper reproductions', link: '/guide/reproductions' },
          { text: 'Plugins', link: '/guide/plugins' },
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
