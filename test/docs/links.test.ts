/**
 * The documentation holds together: README.md stays short, every page is one
 * click from the README, every English page has its Korean twin (and links to
 * it), and every relative link — file and `#anchor` — lands where it says.
 * Anchors are checked against headings with GitHub's slug rules, so a
 * renamed heading breaks this test rather than a reader's click.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = join(ROOT, 'docs');

/** Research notes kept in English only: not user pages, so no twin and no place in the index. */
const NOTES = new Set(['portone-v2-sdk-contract.md']);

const docPages = readdirSync(DOCS).filter((f) => f.endsWith('.md')).sort();
const userPages = docPages.filter((f) => !NOTES.has(f));
const englishPages = userPages.filter((f) => !f.endsWith('.ko.md'));
const koreanPages = userPages.filter((f) => f.endsWith('.ko.md'));
const checkedFiles = ['README.md', 'README.ko.md', 'ARCHITECTURE.md', 'BENCHMARKS.md', ...docPages.map((f) => `docs/${f}`)];

/** GitHub's heading slug: lower case, punctuation and symbols dropped (but `-` and `_`), each space a `-`. */
export function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** A heading's text as GitHub renders it: no code ticks, link targets, emphasis marks or tags. */
function headingText(raw: string): string {
  return raw
    .replace(/\s+#+\s*$/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .replace(/(\*\*|__|\*)/g, '')
    .trim();
}

interface Parsed {
  anchors: Set<string>;
  links: Array<{ line: number; target: string }>;
  lines: number;
}

/** Headings (as anchors, duplicates numbered as GitHub does) and links, outside fenced code. */
export function parse(text: string): Parsed {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const links: Parsed['links'] = [];
  const lines = text.split('\n');
  let fence: string | null = null;
  lines.forEach((line, i) => {
    const f = /^\s*(```+|~~~+)/.exec(line);
    if (f) {
      if (fence === null) fence = f[1]![0]!;
      else if (f[1]![0] === fence) fence = null;
      return;
    }
    if (fence !== null) return;
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (h) {
      const base = slug(headingText(h[1]!));
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push({ line: i + 1, target: m[1]! });
    const def = /^\s*\[[^\]]+\]:\s*(\S+)/.exec(prose);
    if (def) links.push({ line: i + 1, target: def[1]! });
  });
  return { anchors, links, lines: text.endsWith('\n') ? lines.length - 1 : lines.length };
}

const cache = new Map<string, Parsed>();
function parsed(absPath: string): Parsed {
  let p = cache.get(absPath);
  if (!p) cache.set(absPath, (p = parse(readFileSync(absPath, 'utf8'))));
  return p;
}

/** Every problem with the relative links of one file, as `file:line → target: why`. */
export function brokenLinks(file: string): string[] {
  const abs = join(ROOT, file);
  const problems: string[] = [];
  for (const { line, target } of parsed(abs).links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
    const dest = pathPart === '' ? abs : resolve(dirname(abs), decodeURIComponent(pathPart));
    const where = `${file}:${line} → ${target}`;
    if (!existsSync(dest)) {
      problems.push(`${where}: no such file`);
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (!dest.endsWith('.md') || statSync(dest).isDirectory()) {
      problems.push(`${where}: an anchor into a file that is not Markdown`);
      continue;
    }
    const wanted = decodeURIComponent(anchor);
    if (!parsed(dest).anchors.has(wanted)) {
      problems.push(`${where}: no heading with the anchor #${wanted} in ${relative(ROOT, dest)}`);
    }
  }
  return problems;
}

/** The relative Markdown files one file links to (anchors dropped), as paths from the root. */
function linkedFiles(file: string): Set<string> {
  const abs = join(ROOT, file);
  const out = new Set<string>();
  for (const { target } of parsed(abs).links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const pathPart = target.split('#')[0]!;
    if (pathPart !== '') out.add(relative(ROOT, resolve(dirname(abs), decodeURIComponent(pathPart))));
  }
  return out;
}

describe('GitHub heading slugs', () => {
  it('lower-cases, drops punctuation but - and _, and turns spaces into -', () => {
    expect(slug('3. Manual webhook trigger (test aid)')).toBe('3-manual-webhook-trigger-test-aid');
    expect(slug(headingText('The hamster-world contract (`/api/payment-process`)'))).toBe('the-hamster-world-contract-apipayment-process');
    expect(slug('Who may call what — security')).toBe('who-may-call-what--security');
    expect(slug('snake_case stays')).toBe('snake_case-stays');
  });

  it('keeps Korean letters', () => {
    expect(slug('3. 수동 Webhook 트리거 (테스트용)')).toBe('3-수동-webhook-트리거-테스트용');
    expect(slug(headingText('webhook 찾기 (인스펙터)'))).toBe('webhook-찾기-인스펙터');
  });

  it('numbers repeated headings -1, -2, and ignores headings in code', () => {
    const p = parse('# A\n## Notes\n```\n## Notes\n```\n## Notes\n### Notes\n');
    expect([...p.anchors]).toEqual(['a', 'notes', 'notes-1', 'notes-2']);
  });

  it('finds links outside code only', () => {
    const p = parse('[a](x.md#y) `[b](no.md)`\n```\n[c](no.md)\n```\n[d]: z.md\n');
    expect(p.links.map((l) => l.target)).toEqual(['x.md#y', 'z.md']);
  });
});

describe('the documentation', () => {
  it.each(checkedFiles)('%s: every relative link and anchor resolves', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('README.md and README.ko.md fit on one or two screens', () => {
    expect(parsed(join(ROOT, 'README.md')).lines).toBeLessThanOrEqual(150);
    expect(parsed(join(ROOT, 'README.ko.md')).lines).toBeLessThanOrEqual(150);
  });

  it('every English page has a Korean twin, and every Korean page an English one', () => {
    expect(englishPages.length).toBeGreaterThan(0);
    for (const en of englishPages) expect(userPages, `${en} has no Korean twin`).toContain(en.replace(/\.md$/, '.ko.md'));
    for (const ko of koreanPages) expect(userPages, `${ko} has no English twin`).toContain(ko.replace(/\.ko\.md$/, '.md'));
  });

  it('every page links to its other language', () => {
    const pairs: Array<[string, string]> = [['README.md', 'README.ko.md'], ...englishPages.map((en): [string, string] => [`docs/${en}`, `docs/${en.replace(/\.md$/, '.ko.md')}`])];
    for (const [en, ko] of pairs) {
      expect(linkedFiles(en), `${en} does not link to ${ko}`).toContain(ko);
      expect(linkedFiles(ko), `${ko} does not link to ${en}`).toContain(en);
    }
  });

  it('every page is one click from the README and from the docs index, in its language', () => {
    for (const [readme, index, pages] of [
      ['README.md', 'docs/README.md', englishPages],
      ['README.ko.md', 'docs/README.ko.md', koreanPages],
    ] as const) {
      for (const page of pages) {
        const path = `docs/${page}`;
        if (path === index) continue;
        expect(linkedFiles(readme), `${readme} does not link to ${path}`).toContain(path);
        expect(linkedFiles(index), `${index} does not link to ${path}`).toContain(path);
      }
      expect(linkedFiles(readme), `${readme} does not link to ${index}`).toContain(index);
    }
  });
});
