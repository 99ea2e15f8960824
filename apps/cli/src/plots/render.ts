import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

/** Options of Observable Plot's `plot()` (without `document`, which we supply). */
export type PlotOptions = Omit<Plot.PlotOptions, 'document'>;

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The slice of the DOM used here (the project compiles without the DOM lib; linkedom provides it). */
interface DomNode {
  readonly tagName: string;
  textContent: string | null;
  readonly outerHTML: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelector(selector: string): DomNode | null;
  querySelectorAll(selector: string): ArrayLike<DomNode>;
  appendChild(child: DomNode): DomNode;
}

/** Area of an `<svg>` from its width/height attributes (legend swatches are 15 × 15). */
function area(svg: DomNode): number {
  return Number(svg.getAttribute('width') ?? 0) * Number(svg.getAttribute('height') ?? 0);
}

/**
 * Renders an Observable Plot figure to a standalone SVG string in Node (linkedom supplies the DOM).
 * When Plot wraps the chart in an HTML `<figure>` (a colour legend, a title), the chart is the largest
 * `<svg>` in it; the swatch legend is redrawn inside the chart as SVG so the file stands alone.
 */
export function renderSvg(options: PlotOptions): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({
    ...options,
    document: document as unknown as NonNullable<Plot.PlotOptions['document']>,
  }) as unknown as DomNode;
  const doc = document as unknown as { createElementNS(ns: string, tag: string): DomNode };
  const svgs = node.tagName.toLowerCase() === 'svg' ? [node] : Array.from(node.querySelectorAll('svg'));
  const svg = svgs.reduce<DomNode | null>((best, s) => (best === null || area(s) > area(best) ? s : best), null);
  if (svg === null) throw new Error('internal: Plot produced no <svg>');
  svg.setAttribute('xmlns', SVG_NS);

  const swatches =
    node === svg ? [] : Array.from(node.querySelectorAll('span')).filter((s) => s.querySelector('svg') !== null);
  if (swatches.length > 0) {
    const width = Number(svg.getAttribute('width') ?? 640);
    const legend = doc.createElementNS(SVG_NS, 'g');
    legend.setAttribute('aria-label', 'legend');
    legend.setAttribute('font-size', '10');
    legend.setAttribute('text-anchor', 'start');
    swatches.forEach((span, i) => {
      const color =
        span.querySelector('svg')?.getAttribute('fill') ??
        span.querySelector('svg')?.getAttribute('stroke') ??
        'currentColor';
      const y = 8 + 14 * i;
      const rect = doc.createElementNS(SVG_NS, 'rect');
      for (const [k, v] of Object.entries({
        x: String(width - 110),
        y: String(y),
        width: '10',
        height: '10',
        fill: color,
      }))
        rect.setAttribute(k, v);
      const text = doc.createElementNS(SVG_NS, 'text');
      for (const [k, v] of Object.entries({ x: String(width - 96), y: String(y + 9) })) text.setAttribute(k, v);
      text.textContent = span.textContent ?? '';
      legend.appendChild(rect);
      legend.appendChild(text);
    });
    svg.appendChild(legend);
  }
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg.outerHTML + '\n';
}
