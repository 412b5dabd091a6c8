import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { K8sObject } from './invariants';

/** The committed synth output (a test keeps it equal to a fresh synth). */
export const DIST_DIR = path.resolve(__dirname, '../../dist');

/** Environment names with a `dist/<name>.k8s.yaml` (the CRD bundle excluded), sorted. */
export function distEnvironments(): string[] {
  return fs.readdirSync(DIST_DIR).filter(f => f.endsWith('.k8s.yaml') && f !== 'crds.k8s.yaml').map(f => f.slice(0, -'.k8s.yaml'.length)).sort();
}

/** The objects of `dist/<environment>.k8s.yaml`. */
export function distObjects(environment: string): K8sObject[] {
  const text = fs.readFileSync(path.join(DIST_DIR, `${environment}.k8s.yaml`), 'utf8');
  return parseAllDocuments(text).map(d => d.toJSON()).filter(Boolean);
}
