import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generatedHeader } from '../../src/gitops/generated-header';
import { ManifestObject, parseManifests } from '../../src/gitops/manifest-objects';
import { stringifyManifests } from '../../src/gitops/manifest-yaml';
import { MANIFEST_FILE } from '../../src/gitops/output-layout';
import { legacyOutputFile, readPreviousOutput, splitDocuments } from '../../src/gitops/previous-output';

// readPreviousOutput with the new output parses only the documents that changed: the result must
// equal parsing the whole previous file, whatever was added, removed, changed or moved.

const cm = (name: string, value = 'v'): ManifestObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' }, data: { k: value, script: `echo ${value}\n---\n` } });
const rendered = (objects: ManifestObject[]) => ({ objects, yaml: stringifyManifests(objects) });

let outdir: string;
beforeEach(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'previous-output-'));
});
afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

function writePrevious(objects: ManifestObject[]): string {
  const file = path.join(outdir, 'dev', MANIFEST_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, generatedHeader(MANIFEST_FILE) + stringifyManifests(objects));
  return file;
}

const previous = [cm('a'), cm('b'), cm('c'), cm('d')];

test.each([
  ['unchanged', previous],
  ['one document changed', [cm('a'), cm('b', 'new'), cm('c'), cm('d')]],
  ['the first document changed', [cm('a', 'new'), cm('b'), cm('c'), cm('d')]],
  ['a document inserted', [cm('a'), cm('x'), cm('b'), cm('c'), cm('d')]],
  ['a document removed', [cm('a'), cm('c'), cm('d')]],
  ['documents moved', [cm('d'), cm('c'), cm('b'), cm('a')]],
  ['everything new', [cm('x'), cm('y')]],
])('the previous objects are read as a full parse reads them: %s', (_case, next) => {
  const file = writePrevious(previous);
  const read = readPreviousOutput(outdir, 'dev', rendered(next));
  expect(read).toEqual(parseManifests(fs.readFileSync(file, 'utf8')));
  expect(read).toEqual(previous);
});

test('an unchanged output is the new objects themselves', () => {
  writePrevious(previous);
  const next = previous.map(o => ({ ...o }));
  const read = readPreviousOutput(outdir, 'dev', rendered(next))!;
  expect(read.map((o, i) => o === next[i])).toEqual([true, true, true, true]);
});

test('an unchanged document is the new object itself; a changed one is parsed', () => {
  writePrevious(previous);
  const next = [cm('a'), cm('b', 'new'), cm('c'), cm('d')];
  const read = readPreviousOutput(outdir, 'dev', rendered(next))!;
  expect(read.map(o => next.includes(o))).toEqual([true, false, true, true]);
  expect(read[1]).toEqual(cm('b'));
});

test('without the new output, or from the legacy file, the whole file is parsed', () => {
  writePrevious(previous);
  expect(readPreviousOutput(outdir, 'dev')).toEqual(previous);
  fs.rmSync(path.join(outdir, 'dev'), { recursive: true });
  fs.writeFileSync(legacyOutputFile(outdir, 'dev'), stringifyManifests(previous));
  expect(readPreviousOutput(outdir, 'dev', rendered(previous))).toEqual(previous);
  expect(readPreviousOutput(outdir, 'other', rendered(previous))).toBeUndefined();
});

test.each([
  ['comments and an empty document', (d: string[]) => `# edited\n${d[0]}---\n\n---\n# note\n${d[1]}---\n${d[2]}--- # end\n${d[3]}`],
  ['a directive', (d: string[]) => `${d[0]}---\n${d[1]}...\n%YAML 1.2\n---\n${d[2]}---\n${d[3]}`],
])('a hand-edited file with %s is read as a full parse reads it', (_case, edit) => {
  const file = path.join(outdir, 'dev', MANIFEST_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, edit(splitDocuments(stringifyManifests(previous))));
  const read = readPreviousOutput(outdir, 'dev', rendered(previous));
  expect(read).toEqual(parseManifests(fs.readFileSync(file, 'utf8')));
  expect(read).toEqual(previous);
});

test('splitDocuments splits at --- lines only', () => {
  expect(splitDocuments('a: 1\n---\nb: |\n  ---\n  x\n---\nc: 3\n')).toEqual(['a: 1\n', 'b: |\n  ---\n  x\n', 'c: 3\n']);
  expect(splitDocuments('---\na: 1\n')).toEqual(['a: 1\n']);
});
