import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { K8sObject } from './invariants';

/** The committed synth output (a test keeps it equal to a fresh synth). */
export const DIST_DIR = path.resolve(__dirname, '../../dist');

// Folders of dist/ that hold no environment (the CRDs, GitOps tool objects).
const NOT_ENVIRONMENTS = new Set(['crds', 'argocd', 'flux']);

/** Environment names with a `dist/<name>/manifests.k8s.yaml`, sorted. */
export function distEnvironments(): string[] {
  return fs.readdirSync(DIST_DIR, { withFileTypes: true })
    .filter(e => e.isDirectory() && !NOT_ENVIRONMENTS.has(e.name) && fs.existsSync(path.join(DIST_DIR, e.name, 'manifests.k8s.yaml')))
    .map(e => e.name).sort();
}

/** The objects of `dist/<environment>/manifests.k8s.yaml`. */
export function distObjects(environment: string): K8sObject[] {
  const text = fs.readFileSync(path.join(DIST_DIR, environment, 'manifests.k8s.yaml'), 'utf8');
  return parseAllDocuments(text).map(d => d.toJSON()).filter(Boolean);
}
