import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

/** Options of Observable Plot's `plot()` (without `document`, which we supply). */
export type PlotOptions = Omit<Plot.PlotOptions, 'document'>;

/**
 * Renders an Observable Plot figure to a standalone SVG string in Node (linkedom supplies the DOM).
 */
export function renderSvg(options: PlotOptions): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({ ...options, document: document as unknown as NonNullable<Plot.PlotOptions["document"]> });
  const svg = node.tagName.toLowerCase() === 'svg' ? node : node.querySelector('svg');
  if (svg === null) throw new Error('internal: Plot produced no <svg>');
  svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  // A figure with a legend/title is wrapped in <figure>; keep the whole figure's SVG parts only.
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg.outerHTML + '\n';
}
