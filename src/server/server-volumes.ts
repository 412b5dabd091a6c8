import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from '../common/errors';
import { declareExternal } from '../common/external-references';
import { quantityBytes } from '../common/quantity';
import { validateDnsSubdomain } from '../common/validation';
import { McpServerTemplate } from './server-template';

/**
 * Mounts the template's writable directories into the container that runs the server (the
 * bridge, for a stdio server): an existing claim from `volumeClaims`, else an emptyDir.
 * @throws McpConfigError for a claim of a volume the template does not have, or an invalid claim name
 */
export function mountTemplateVolumes(scope: Construct, workload: kplus.Deployment, container: kplus.Container, template: McpServerTemplate, claims: Readonly<Record<string, string>> = {}): void {
  const volumes = template.volumes ?? [];
  for (const [key, claim] of Object.entries(claims)) {
    if (!volumes.some(v => v.name === key)) {
      invalid(scope, `volumeClaims.${key}`, claim, `template '${template.id}' has no volume '${key}': use one of ${volumes.map(v => v.name).join(', ') || '(none)'}`);
    }
    validateDnsSubdomain(scope, `volumeClaims.${key}`, claim);
  }
  for (const v of volumes) {
    const claim = claims[v.name];
    let volume: kplus.Volume;
    if (claim) {
      declareExternal(scope, 'PersistentVolumeClaim', claim);
      volume = kplus.Volume.fromPersistentVolumeClaim(scope, `${v.name}-volume`, kplus.PersistentVolumeClaim.fromClaimName(scope, `${v.name}-claim`, claim), { name: v.name });
    } else {
      const bytes = quantityBytes(scope, `templates.${template.id}.volumes.${v.name}.sizeLimit`, v.sizeLimit ?? '256Mi', 'storage', 2 ** 20);
      volume = kplus.Volume.fromEmptyDir(workload, `${v.name}-volume`, v.name, { sizeLimit: Size.mebibytes(Math.ceil(bytes / 2 ** 20)) });
    }
    container.mount(v.mountPath, volume);
  }
}
