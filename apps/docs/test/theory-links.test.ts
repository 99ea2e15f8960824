/**
 * The code cites formulas by the repository path and anchor of a theory page (e.g. `fan-wang.md#ck-limit` under
 * apps/docs/theory); markdown files link there by relative path. This test keeps those citations true: every cited
 * page and anchor exists, every anchor of the shared contract exists, and nothing cites the team's private notes,
 * which a clone does not have.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const THEORY_DIR = 'apps/docs/theory';
const SITE_ROOT = 'apps/docs';

/** Anchors every page must keep: code and READMEs across the repository cite them. */
const CONTRACT: Record<string, readonly string[]> = {
  'toolkit.md': ['hermite-expansions', 'normalised-activations', 'gaussian-kernel-maps', 'marchenko-pastur'],
  'fan-wang.md': [
    'network-and-kernels',
    'assumptions',
    'ck-limit',
    'ntk-surrogate',
    'ntk-fixed-point',
    'simulation-notes',
    'real-data',
  ],
  'spectral-evolution.md': ['training-setups', 'quantities', 'bulk-invariance', 'illustrative-run'],
  'power-series.md': ['power-series', 'effective-rank', 'sphere-eigenvalues', 'generic-data-bound'],
  'infinite-width.md': ['ntk-parametrisation', 'mlp-recursions', 'residual-mlp', 'kernel-gradient-descent'],
  'dispersion.md': ['setting', 'exact-finite-width', 'depth-width-limits', 'training-and-phases'],
  'reference-values.md': [
    'mp-law',
    'iterated-mp',
    'ntk-surrogate',
    'activation-constants',
    'kernel-maps',
    'relu-ntk',
    'power-series',
    'sphere-eigenvalues',
    'rank-one-spike',
    'dispersion',
    'ntk-means',
    'kernel-gd',
    'how-checked',
  ],
  'architectures.md': [
    'conventions',
    'kernel-record',
    'dense',
    'convolution',
    'activations',
    'average-pooling',
    'global-average-pooling',
    'flatten',
    'layernorm',
    'residual-branches',
    'attention',
    'rnn',
    'no-closed-form',
    'json-format',
    'check-values',
    'monte-carlo',
  ],
  'index.md': [],
};

/** A cited page and anchor: `<repo path of the page>#<anchor>`. */
const CITATION = /apps\/docs\/theory\/([A-Za-z0-9_-]+)\.md(?:#([A-Za-z0-9_-]+))?/g;
/** Further anchors of the same page right after a citation: `…/fan-wang.md#ntk-surrogate, #ntk-fixed-point`. */
const MORE_ANCHORS = /^(?:,\s*|\s+and\s+)#([A-Za-z0-9_-]+)/;
/** A page path that is not the repository path (in code, cite `apps/docs/theory/…`, not `theory/…` or `../…`). */
const PARTIAL_CITATION = /(?<![A-Za-z0-9_./-])(?:\.\.?\/)*theory\/[A-Za-z0-9_-]+\.md/g;
/** A markdown link to a theory page inside a code comment. */
const CODE_MD_LINK = /\]\(\s*(?:\.\.?\/)*apps\/docs\/theory\//g;
/** Inline markdown links `[text](target)`. */
const MD_LINK = /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
/** The team's notes and their directory, which exist only in the team checkout. */
const PRIVATE_NOTES = [/\bMATH(?:-ARCHITECTURES)?\.md\b/, /\bMATH(?:-ARCHITECTURES)?\s*§/, /\.\.\/shared\b/];
/** The team's other notes: citing them is an error as long as the repository has no file of that name. */
const OTHER_NOTES = ['ARCHITECTURE', 'STYLE', 'ANCHORS'];

function trackedTextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' });
  return out
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(repoRoot, f)))
    .filter((f) => !readFileSync(join(repoRoot, f)).subarray(0, 8000).includes(0));
}

/** Explicit heading ids (`## Title {#id}`) of a theory page. */
function anchorsOf(text: string): Set<string> {
  const ids = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s.*\{#([A-Za-z0-9_-]+)\}\s*$/gm)) ids.add(m[1]);
  return ids;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

const files = trackedTextFiles();
for (const name of OTHER_NOTES) {
  if (!files.some((f) => posix.basename(f) === `${name}.md`)) PRIVATE_NOTES.push(new RegExp(`\\b${name}\\.md\\b`));
}
const theoryPages = new Map<string, Set<string>>();
for (const f of files) {
  if (posix.dirname(f) === THEORY_DIR && f.endsWith('.md')) {
    theoryPages.set(posix.basename(f), anchorsOf(readFileSync(join(repoRoot, f), 'utf8')));
  }
}

/** Problems with one cited page/anchor, or null. */
function checkTarget(page: string, anchor: string | undefined): string | null {
  const anchors = theoryPages.get(page);
  if (anchors === undefined) return `no theory page ${THEORY_DIR}/${page}`;
  if (anchor !== undefined && anchor !== '' && !anchors.has(anchor)) return `${page} has no anchor {#${anchor}}`;
  return null;
}

/**
 * Where a markdown link from `file` points inside the repository, or null for external links and in-page anchors.
 * A leading `/` is the site root inside apps/docs (VitePress) and the repository root elsewhere; VitePress links may
 * leave out `.md`.
 */
function resolveLink(file: string, target: string): { path: string; anchor: string | undefined } | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) return null;
  const [rawPath, anchor] = target.split('#', 2);
  let path: string;
  if (rawPath.startsWith('/')) {
    const base = file.startsWith(`${SITE_ROOT}/`) ? SITE_ROOT : '';
    path = posix.normalize(posix.join(base, rawPath));
  } else {
    path = posix.normalize(posix.join(posix.dirname(file), rawPath));
  }
  if (file.startsWith(`${SITE_ROOT}/`) && path.startsWith(`${THEORY_DIR}/`)) {
    if (path.endsWith('/')) path += 'index.md';
    else if (extname(path) === '') path += '.md';
    else if (path.endsWith('.html')) path = path.replace(/\.html$/, '.md');
  }
  return { path, anchor };
}

/** What is wrong with the theory citations in one file (empty when nothing). */
function citationProblems(file: string, text: string): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(CITATION)) {
    const anchors = [m[2]];
    for (let rest = text.slice(m.index + m[0].length, m.index + m[0].length + 400); ;) {
      const more = MORE_ANCHORS.exec(rest);
      if (more === null) break;
      anchors.push(more[1]);
      rest = rest.slice(more[0].length);
    }
    for (const a of anchors) {
      const p = checkTarget(`${m[1]}.md`, a);
      if (p !== null) problems.push(`${file}:${lineOf(text, m.index)}: ${m[0]}: ${p}`);
    }
  }
  if (!file.endsWith('.md')) {
    for (const m of text.matchAll(PARTIAL_CITATION)) {
      problems.push(`${file}:${lineOf(text, m.index)}: ${m[0]}: cite the repository path ${THEORY_DIR}/…`);
    }
    // In code, typedoc resolves a markdown link relative to the source file, where no theory page is: plain path only.
    for (const m of text.matchAll(CODE_MD_LINK)) {
      problems.push(`${file}:${lineOf(text, m.index)}: ${m[0]}: write the path without a markdown link in code`);
    }
    return problems;
  }
  for (const m of text.matchAll(MD_LINK)) {
    const link = resolveLink(file, m[1]);
    if (link === null || !link.path.startsWith(`${THEORY_DIR}/`)) continue;
    if (posix.dirname(link.path) !== THEORY_DIR) {
      problems.push(`${file}:${lineOf(text, m.index)}: ${m[1]}: no theory page ${link.path}`);
      continue;
    }
    const p = checkTarget(posix.basename(link.path), link.anchor);
    if (p !== null) problems.push(`${file}:${lineOf(text, m.index)}: ${m[1]}: ${p}`);
  }
  return problems;
}

describe('theory pages and the citations of them', () => {
  it('every page of the contract exists with all its anchors', () => {
    const problems: string[] = [];
    for (const [page, anchors] of Object.entries(CONTRACT)) {
      for (const a of anchors) {
        const p = checkTarget(page, a);
        if (p !== null) problems.push(p);
      }
      if (anchors.length === 0 && !theoryPages.has(page)) problems.push(`no theory page ${THEORY_DIR}/${page}`);
    }
    expect(problems).toEqual([]);
  });

  it('every cited page and anchor exists (repository paths in any file, relative links in markdown)', () => {
    const problems = files.flatMap((f) => citationProblems(f, readFileSync(join(repoRoot, f), 'utf8')));
    expect(problems).toEqual([]);
  });

  it('no tracked file cites the team notes or their directory (they are not in a clone)', () => {
    const problems: string[] = [];
    for (const f of files) {
      const lines = readFileSync(join(repoRoot, f), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (PRIVATE_NOTES.some((re) => re.test(line))) problems.push(`${f}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('the checks find what they look for (missing anchors and pages, partial paths, private notes)', () => {
    // Built from parts, so that this file does not itself contain what the scans reject.
    const page = [THEORY_DIR, 'fan-wang.md'].join('/');
    expect(citationProblems('a.ts', `// see ${page}#ck-limit, #ntk-surrogate and #ntk-fixed-point`)).toEqual([]);
    expect(citationProblems('a.ts', `// see ${page}#no-such-anchor`)).toHaveLength(1);
    expect(citationProblems('a.ts', `// see ${page}#ck-limit, #no-such-anchor`)).toHaveLength(1);
    expect(citationProblems('a.ts', `// see ${[THEORY_DIR, 'no-such-page.md'].join('/')}`)).toHaveLength(1);
    expect(citationProblems('a.ts', `// see ${['theory', 'fan-wang.md#ck-limit'].join('/')}`)).toHaveLength(1);
    expect(citationProblems('a.ts', `// see [CK limit](${page}#ck-limit)`)).toHaveLength(1);
    const fromReadme = `../../${THEORY_DIR}/toolkit.md`;
    expect(citationProblems('packages/rmt/README.md', `[x](${fromReadme}#marchenko-pastur)`)).toEqual([]);
    expect(citationProblems('packages/rmt/README.md', `[x](${fromReadme}#nope)`)).not.toEqual([]);
    expect(citationProblems('packages/rmt/README.md', '[x](../apps/docs/toolkit.md)')).toEqual([]); // not a theory page
    const fromGuide = ['..', 'theory', 'fan-wang'].join('/');
    expect(citationProblems('apps/docs/guide/limits.md', `[x](${fromGuide.slice(2)}#ck-limit)`)).toEqual([]);
    expect(citationProblems('apps/docs/guide/limits.md', `[x](${fromGuide}.md#nope)`)).not.toEqual([]);
    expect(PRIVATE_NOTES.some((re) => re.test(['see MATH', 'md §2.3'].join('.')))).toBe(true);
    expect(PRIVATE_NOTES.some((re) => re.test(['..', 'shared', 'notes'].join('/')))).toBe(true);
    expect(PRIVATE_NOTES.some((re) => re.test(`see ${OTHER_NOTES[0]}.md "Core contracts"`))).toBe(true);
  });
});
