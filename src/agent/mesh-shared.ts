import * as kplus from 'cdk8s-plus-28';
import { ImageReference } from '../common/image';
import { WorkloadGroup } from '../connectivity/connectivity';
import { AgentConstants } from './agent-constants';
import { KnownValid } from './agent-spec-validation';

/**
 * What an McpAgentMesh has checked and computed once for all the agents it creates, so that
 * 1,000 agents do not repeat the same schema walk, registry flow and defaults 1,000 times. Every
 * value is the one the agent would compute itself in the mesh's chart.
 * @internal
 */
export interface MeshShared {
  /**
   * The props passed the McpAgentProps schema: the mesh checked the definition
   * (McpAgentDefinition) and what it adds to it (its cluster network, the dashboard switch).
   */
  readonly propsChecked: boolean;
  /**
   * What the spec checks found valid already: the mesh's cluster network (most agents' own), and
   * the dependency ranges of the agents so far (agents of a mesh mostly depend on the same few
   * ranges, and parsing one costs more than the rest of the dependency's checks).
   */
  readonly knownValid: KnownValid;
  /** The registry's URL (the agents' `registryUrl`). */
  readonly registryUrl: string;
  /** The chart's `agents` group, already connected to the registry both ways. */
  readonly group: WorkloadGroup;
  /** What every agent pod of the registry renders alike. */
  readonly constants: AgentConstants;
  /** The runtime image, parsed: the image of every agent that sets neither `image` nor `code.image`. */
  readonly defaultImage: ImageReference;
  /** The container resources of every agent that sets no `resources`. */
  readonly defaultResources: kplus.ContainerResources;
}

// Keyed by the props object the mesh builds for one McpAgent constructor call, which nothing else
// holds: a user's own props are never in it, so a standalone agent checks and computes everything
// itself, and nothing outlives the agent or crosses charts.
const SHARED = new WeakMap<object, MeshShared>();

/** Hands `shared` to the McpAgent constructed with `props` (built by the mesh for that agent only). @internal */
export function withMeshShared<P extends object>(props: P, shared: MeshShared): P {
  SHARED.set(props, shared);
  return props;
}

/** What the mesh shared with the agent constructed with `props`, if a mesh built them. @internal */
export function meshShared(props: object): MeshShared | undefined {
  return SHARED.get(props);
}
