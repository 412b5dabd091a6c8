import * as fs from 'fs';
import * as path from 'path';
import { defaultEnvironments, devEnvironment } from '../../src/platform/presets';
import { podTemplates } from '../support/invariants';
import { synthEnvironment } from '../support/synth';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The text from `heading` (a whole line) to the next heading of the same or a higher level. */
function section(heading: string): string {
  const lines = readme.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`README has no "${heading}" heading`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.indexOf(' ') <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** Body rows of the first table in `text` whose header starts with `firstColumn`, cells without code marks. */
function tableRows(text: string, firstColumn: string): string[][] {
  const lines = text.split('\n');
  const header = lines.findIndex(l => l.startsWith(`| ${firstColumn} |`));
  if (header < 0) return [];
  const rows: string[][] = [];
  for (let i = header + 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i].slice(1, -1).split('|').map(c => c.trim()));
  return rows;
}

const unquote = (cell: string) => cell.replace(/`/g, '').trim();
const list = (cell: string) => (unquote(cell) === '—' ? [] : unquote(cell).split(',').map(s => s.trim()).filter(Boolean));

/** A prerequisites row as the README writes it, without its prose column. */
function row(r: { kind: string; namespace?: string; name: string; keys: string[] }): string {
  return `| ${r.kind} | ${r.namespace ? `\`${r.namespace}\`` : '—'} | \`${r.name}\` | ${r.keys.length ? r.keys.map(k => `\`${k}\``).join(', ') : '—'} |`;
}

describe.each(defaultEnvironments().map(e => [e.name, e] as const))('the README prerequisites of %s', (name, environment) => {
  test('equal externalReferences(): kind, namespace, name and keys, row for row', () => {
    const { chart } = synthEnvironment(environment);
    const documented = tableRows(section(`#### ${name}`), 'Kind')
      .map(([kind, namespace, objectName, keys]) => ({ kind: unquote(kind), namespace: list(namespace)[0], name: unquote(objectName), keys: list(keys).sort() }))
      .sort((a, b) => `${a.kind}/${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.kind}/${b.namespace ?? ''}/${b.name}`));
    // Compared as rows, so a mismatch shows the rows to write (plus a prose column).
    expect(documented.map(row)).toEqual(chart.externalReferences().map(row));
  });
});

test('dev says it needs nothing', () => {
  expect(section('#### dev')).toMatch(/^None: /m);
});

describe('the image table', () => {
  const rows = tableRows(section('### Images'), 'Image');

  test('says for every image where its upstream publishes it, with no placeholder left', () => {
    expect(rows.length).toBeGreaterThan(0);
    const bad = rows.filter(([image, usedBy, where]) => !/^`[^`<>\s]+(:[^`<>\s]+|@sha256:[0-9a-f]{64})`$/.test(image) || !usedBy || /[<>]/.test(usedBy + where) || !/^[A-Za-z ]+: https:\/\/\S+ \(.+\)$/.test(where));
    expect(bad).toEqual([]);
  });

  test('lists every image dev pulls: dev uses published images only', () => {
    const { objects } = synthEnvironment(devEnvironment());
    const listed = new Set(rows.map(([image]) => unquote(image)));
    const images = new Set(podTemplates(objects).flatMap(t => [...(t.spec.initContainers ?? []), ...(t.spec.containers ?? [])].map((c: any) => c.image as string)));
    expect([...images].filter(i => !listed.has(i)).sort()).toEqual([]);
  });
});
