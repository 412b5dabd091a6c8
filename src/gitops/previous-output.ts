import * as fs from 'fs';
import * as path from 'path';
import { generatedHeader } from './generated-header';
import { isManifestObject, ManifestObject, parseManifests } from './manifest-objects';
import { MANIFEST_FILE } from './output-layout';
import { hasContent } from './owned-files';

/** The new output of an environment: its objects and their YAML, one document per object in order. */
export interface RenderedManifests {
  readonly yaml: string;
  readonly objects: readonly ManifestObject[];
}

/**
 * The objects the previous synth rendered for an environment: `<outdir>/<env>/manifests.k8s.yaml`,
 * or `<outdir>/<env>.k8s.yaml` written by releases before the per-environment folders.
 *
 * With `next` (the new output), a previous document byte-identical to a document of `next` is not
 * parsed: the object of `next` stands for it, since the same bytes were applied before. Only the
 * documents that changed are parsed, which is what a re-synth of a large environment spends least on.
 * @returns undefined when there is no previous output (a new environment or a first synth)
 */
export function readPreviousOutput(outdir: string, environment: string, next?: RenderedManifests): ManifestObject[] | undefined {
  for (const file of [path.join(outdir, environment, MANIFEST_FILE), legacyOutputFile(outdir, environment)]) {
    if (fs.existsSync(file)) return next ? readChangedDocuments(file, next) : parseManifests(fs.readFileSync(file, 'utf8'));
  }
  return undefined;
}

/** Where releases before the per-environment folders wrote an environment. */
export function legacyOutputFile(outdir: string, environment: string): string {
  return path.join(outdir, `${environment}.k8s.yaml`);
}

// The previous objects in file order, each document that equals a new one taken from `next`.
// Splitting at `---` lines is splitting into YAML documents: a line `---` at column 0 starts a
// document wherever it is (YAML 1.2 forbids it inside scalars), and a document the writer
// produced holds no tag a directive could change the meaning of. A file with directives (only
// hand-edited ones), or whose new output splits otherwise, is parsed whole as before.
function readChangedDocuments(file: string, next: RenderedManifests): ManifestObject[] {
  const rendered = splitDocuments(next.yaml);
  if (rendered.length !== next.objects.length) return parseManifests(fs.readFileSync(file, 'utf8'));
  // Nothing changed (the common re-synth): compared in slices, the file is never held whole.
  if (hasContent(file, [generatedHeader(file), next.yaml])) return next.objects.filter(isManifestObject);
  const text = fs.readFileSync(file, 'utf8');
  const objects: ManifestObject[] = [];
  // Documents are compared in order first; the index by text is built only when one moved.
  let expected = 0;
  let byText: Map<string, number> | undefined;
  for (const [i, doc] of splitDocuments(text).entries()) {
    const body = i === 0 ? withoutLeadingComments(doc) : doc;
    let index = rendered[expected] === body ? expected : undefined;
    if (index === undefined) index = (byText ??= new Map(rendered.map((d, k) => [d, k]))).get(body);
    if (index !== undefined) {
      if (isManifestObject(next.objects[index])) objects.push(next.objects[index]);
      expected = index + 1;
    } else if (doc.startsWith('%') || doc.includes('\n%')) {
      return parseManifests(text);
    } else {
      for (const o of parseManifests(doc)) objects.push(o);
    }
  }
  return objects;
}

// The generated-file header (a comment) precedes the first document.
function withoutLeadingComments(doc: string): string {
  let start = 0;
  while (doc.startsWith('#', start) && doc.indexOf('\n', start) !== -1) start = doc.indexOf('\n', start) + 1;
  return doc.slice(start);
}

/** The documents of a multi-document YAML text, each without its `---` line. */
export function splitDocuments(text: string): string[] {
  const docs: string[] = [];
  let start = text.startsWith('---\n') ? 4 : 0;
  for (let sep = text.indexOf('\n---\n', start - 1); sep !== -1; sep = text.indexOf('\n---\n', start - 1)) {
    docs.push(text.slice(start, sep + 1));
    start = sep + 5;
  }
  docs.push(text.slice(start));
  return docs;
}
