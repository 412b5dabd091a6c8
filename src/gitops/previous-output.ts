import * as fs from 'fs';
import * as path from 'path';
import { ManifestObject, parseManifests } from './manifest-objects';
import { MANIFEST_FILE } from './output-layout';

/**
 * The objects the previous synth rendered for an environment: `<outdir>/<env>/manifests.k8s.yaml`,
 * or `<outdir>/<env>.k8s.yaml` written by releases before the per-environment folders.
 * @returns undefined when there is no previous output (a new environment or a first synth)
 */
export function readPreviousOutput(outdir: string, environment: string): ManifestObject[] | undefined {
  for (const file of [path.join(outdir, environment, MANIFEST_FILE), legacyOutputFile(outdir, environment)]) {
    if (fs.existsSync(file)) return parseManifests(fs.readFileSync(file, 'utf8'));
  }
  return undefined;
}

/** Where releases before the per-environment folders wrote an environment. */
export function legacyOutputFile(outdir: string, environment: string): string {
  return path.join(outdir, `${environment}.k8s.yaml`);
}
