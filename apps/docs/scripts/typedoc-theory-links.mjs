// @ts-check
/**
 * typedoc plugin: package READMEs link the theory pages by relative path (apps/docs/theory/<page>.md#anchor), which
 * works on GitHub; typedoc would copy those markdown files into its media folder and link the raw copies. This points
 * the links at the rendered pages of the docs site (/theory/<page>.html#anchor) and removes the copies, which are not
 * site pages.
 */
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PageEvent, RendererEvent } from 'typedoc';

const theoryDir = resolve(dirname(fileURLToPath(import.meta.url)), '../theory');
const pages = new Set(
  readdirSync(theoryDir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -3)),
);

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.on(PageEvent.END, (page) => {
    if (page.contents === undefined) return;
    // A page at /api/<folder>/x.html links "../media/fan-wang.md#ck-limit"; the site page is /theory/fan-wang.html.
    page.contents = page.contents.replace(
      /href="((?:\.\.\/)*)media\/([\w-]+)\.md(#[\w-]*)?"/g,
      (link, up, name, hash) => (pages.has(name) ? `href="${up}../theory/${name}.html${hash ?? ''}"` : link),
    );
  });
  app.renderer.on(RendererEvent.END, (event) => {
    for (const name of pages) rmSync(join(event.outputDirectory, 'media', `${name}.md`), { force: true });
  });
}
