import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One figure of the gallery manifest written by scripts/gallery.ts. */
export interface GalleryFigure {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly command: string;
  readonly svgs: ReadonlyArray<string>;
}

const manifest = join(dirname(fileURLToPath(import.meta.url)), '../public/gallery/manifest.json');

declare const data: GalleryFigure[];
export { data };

export default {
  watch: [manifest],
  load(): GalleryFigure[] {
    // The build generates the gallery before the site; a missing manifest means a skipped gallery step.
    if (!existsSync(manifest)) return [];
    return JSON.parse(readFileSync(manifest, 'utf8')) as GalleryFigure[];
  },
};
