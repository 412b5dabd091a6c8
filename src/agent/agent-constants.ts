import * as kplus from 'cdk8s-plus-28';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common/pod';
import { httpProbes } from '../common/probes';
import { AGENT_PROBE_TIMINGS, AGENT_RUNTIME } from './agent-runtime';

/**
 * What every agent pod of one registry renders alike: probes, security contexts and the env values
 * that do not depend on the agent. A mesh makes them once for all its agents (speed); cdk8s-plus
 * only reads them, so one instance serves every Deployment of the chart.
 * @internal
 */
export interface AgentConstants {
  readonly probes: { readonly startup: kplus.Probe; readonly liveness: kplus.Probe; readonly readiness: kplus.Probe };
  readonly podSecurityContext: kplus.PodSecurityContextProps;
  readonly containerSecurityContext: kplus.ContainerSecurityContextProps;
  /** Env values by what they carry (agent-runtime.ts AGENT_ENV says which variables read them). */
  readonly env: {
    readonly registryUrl: kplus.EnvValue;
    readonly bindHost: kplus.EnvValue;
    readonly httpEnabled: kplus.EnvValue;
    readonly httpPort: kplus.EnvValue;
    readonly autoRun: kplus.EnvValue;
    /** The heartbeat period, for both the auto-run and the health interval. */
    readonly heartbeat: kplus.EnvValue;
    readonly podIp: kplus.EnvValue;
    /** '1', for the Python switches. */
    readonly one: kplus.EnvValue;
  };
}

/** The constants of agents that register with the registry at `registryUrl`. @internal */
export function agentConstants(registryUrl: string): AgentConstants {
  const user = { uid: AGENT_RUNTIME.uid };
  const v = kplus.EnvValue.fromValue;
  return {
    probes: httpProbes(AGENT_RUNTIME.httpPort, AGENT_RUNTIME.health, AGENT_PROBE_TIMINGS),
    podSecurityContext: restrictedPodSecurityContext(user),
    containerSecurityContext: restrictedContainerSecurityContext(user),
    env: {
      registryUrl: v(registryUrl),
      bindHost: v('0.0.0.0'),
      httpEnabled: v('true'),
      httpPort: v(String(AGENT_RUNTIME.httpPort)),
      autoRun: v('true'),
      heartbeat: v(String(AGENT_RUNTIME.heartbeatSeconds)),
      podIp: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP),
      one: v('1'),
    },
  };
}
