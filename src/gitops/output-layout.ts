import { stringify } from 'yaml';
import { argoCdApplication, CRDS_FOLDER, EnvironmentOutput } from './argocd-application';
import { fluxKustomizations } from './flux-kustomization';
import { GitOpsSettings } from './gitops-settings';

/** The file of an environment's (or the CRDs') objects inside its folder. */
export const MANIFEST_FILE = 'manifests.k8s.yaml';

/** Folders of the output that hold no environment; no environment may use these names. */
export const RESERVED_FOLDERS = [CRDS_FOLDER, 'argocd', 'flux'];

/** One environment's rendered output, as laid out under `dist/<name>/`. */
export interface EnvironmentFiles extends EnvironmentOutput {
  /** The synthesized YAML of the environment's chart. */
  readonly yaml: string;
  /** The capability graph document, when the environment declares agents. */
  readonly graph?: string;
  /** The connectivity document: every flow the environment's NetworkPolicies allow. */
  readonly connectivity?: string;
  /** Argo CD / Flux objects to render for the environment. */
  readonly gitops?: GitOpsSettings;
}

/**
 * The output layout, as relative path -> content; `publishOutput` writes each file with the
 * generated-file header first (kept apart so that a large environment's YAML is never copied
 * to prepend it):
 * - `crds/`: the platform CRDs and a kustomization.yaml; apply first.
 * - `<env>/`: the environment's objects, its kustomization.yaml, its connectivity.md and graph.md.
 * - `argocd/<env>.yaml`, `flux/<env>.yaml`: the GitOps objects an environment asks for.
 */
export function layoutOutput(crdsYaml: string, environments: EnvironmentFiles[]): Map<string, string> {
  const files = new Map<string, string>();
  files.set(`${CRDS_FOLDER}/${MANIFEST_FILE}`, crdsYaml);
  files.set(`${CRDS_FOLDER}/kustomization.yaml`, kustomization());
  for (const env of environments) {
    files.set(`${env.name}/${MANIFEST_FILE}`, env.yaml);
    files.set(`${env.name}/kustomization.yaml`, kustomization());
    if (env.connectivity) files.set(`${env.name}/connectivity.md`, env.connectivity);
    if (env.graph) files.set(`${env.name}/graph.md`, env.graph);
    if (env.gitops?.argoCd) files.set(`argocd/${env.name}.yaml`, stringify(argoCdApplication(env, env.gitops.argoCd)));
    if (env.gitops?.flux) files.set(`flux/${env.name}.yaml`, fluxKustomizations(env, env.gitops.flux).map(o => stringify(o)).join('---\n'));
  }
  return files;
}

// Lists only the manifests: the documents and the GitOps objects stay out of what kustomize,
// Argo CD and Flux apply from the folder.
function kustomization(): string {
  return stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [MANIFEST_FILE] });
}
