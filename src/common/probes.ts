import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/** Timing of one probe, in seconds. */
export interface ProbeTiming {
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

/** HTTP paths of a component's startup, liveness and readiness endpoints. */
export interface HealthPaths {
  readonly startup: string;
  readonly liveness: string;
  readonly readiness: string;
}

/** Timings of the three probes, defined once per component. */
export interface ProbeTimings {
  readonly startup: ProbeTiming;
  readonly liveness: ProbeTiming;
  readonly readiness: ProbeTiming;
}

/** Conservative defaults: startup allows 150 s; liveness tolerates 30 s of failure. */
export const DEFAULT_PROBE_TIMINGS: ProbeTimings = {
  startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

/** The three HTTP probes of a container, all on `port` (the one the process listens on). */
export function httpProbes(port: number, paths: HealthPaths, timings: ProbeTimings = DEFAULT_PROBE_TIMINGS) {
  const probe = (path: string, t: ProbeTiming) => kplus.Probe.fromHttpGet(path, { port, ...toOptions(t) });
  return {
    startup: probe(paths.startup, timings.startup),
    liveness: probe(paths.liveness, timings.liveness),
    readiness: probe(paths.readiness, timings.readiness),
  };
}

/** The three probes as one exec command (for processes without HTTP, e.g. `redis-cli ping`). */
export function commandProbes(command: string[], timings: ProbeTimings = DEFAULT_PROBE_TIMINGS) {
  const probe = (t: ProbeTiming) => kplus.Probe.fromCommand(command, toOptions(t));
  return { startup: probe(timings.startup), liveness: probe(timings.liveness), readiness: probe(timings.readiness) };
}

function toOptions(t: ProbeTiming): kplus.ProbeOptions {
  return {
    initialDelaySeconds: Duration.seconds(t.initialDelaySeconds),
    periodSeconds: Duration.seconds(t.periodSeconds),
    timeoutSeconds: Duration.seconds(t.timeoutSeconds),
    failureThreshold: t.failureThreshold,
  };
}
