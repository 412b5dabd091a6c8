import { ApiObject, Lazy } from 'cdk8s';
import { IConstruct } from 'constructs';
import { contentHash } from './checksum';

/**
 * A Job name resolved at synth: `<prefix>-<8 hex of the rendered pod template>`, JSON patches
 * included. Job pod templates are immutable, so a changed template renders a new Job (GitOps
 * tools prune the old one) instead of an apply error. While the template itself renders, the
 * name resolves to the bare prefix (it is not part of the template), so the hash never depends
 * on itself.
 */
export function templateHashedName(job: () => IConstruct, prefix: string): string {
  let rendering = false;
  const name = Lazy.any({
    produce: () => {
      if (rendering) return prefix;
      rendering = true;
      try {
        const rendered = ApiObject.of(job()).toJson();
        return `${prefix}-${contentHash(rendered.spec.template).slice(0, 8)}`;
      } finally {
        rendering = false;
      }
    },
  });
  // cdk8s resolves tokens anywhere in an object, metadata.name included.
  return name as unknown as string;
}
