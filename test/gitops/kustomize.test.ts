import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ManifestObject, objectKey, parseManifests } from '../../src/gitops/manifest-objects';
import { defaultEnvironments } from '../../src/platform/presets';

// `kubectl kustomize` (kustomize built into kubectl) must build every folder of the committed
// output to exactly the objects of its manifests file. .ci/run installs kubectl (Debian
// kubernetes-client) when the machine has none; it works offline.
const dist = path.join(__dirname, '..', '..', 'dist');
const folders = ['crds', ...defaultEnvironments().map(e => e.name)];

const byKey = (objects: ManifestObject[]) => Object.fromEntries(objects.map(o => [objectKey(o), o]));

test.each(folders)('kubectl kustomize dist/%s builds the folder\'s objects', folder => {
  let built: string;
  try {
    built = execFileSync('kubectl', ['kustomize', path.join(dist, folder)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    throw new Error(`kubectl kustomize failed (install kubectl, e.g. Debian kubernetes-client, as .ci/run does): ${(e as Error).message}`);
  }
  const expected = parseManifests(fs.readFileSync(path.join(dist, folder, 'manifests.k8s.yaml'), 'utf8'));
  expect(expected.length).toBeGreaterThan(0);
  expect(byKey(parseManifests(built))).toEqual(byKey(expected));
});
