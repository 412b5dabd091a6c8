import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_CLUSTER_NETWORK, NetworkPeer } from '../../src/common/network';
import { renderConnectivityDocument } from '../../src/connectivity/connectivity-document';
import { McpEnvironment } from '../../src/platform/environment';
import { McpPlatformChart } from '../../src/platform/platform-chart';
import { defaultEnvironments } from '../../src/platform/presets';
import { loadEnvironment } from '../../src/platform/values-file';
import { DIST_DIR, distEnvironments, distObjects } from '../support/dist';
import { addresses, NetEndpoint, outsidePods } from '../support/reachability';
import { synthEnvironment } from '../support/synth';
import { checkCallers, CallerOptions, checkRuleWidth, checkSymmetry } from './checks';
import { checkDocument } from './document';

// Every environment the project ships or documents: the presets and the values-file example.
const environments: McpEnvironment[] = [...defaultEnvironments(), loadEnvironment(path.join(__dirname, '..', '..', 'examples', 'values', 'prod-eu.yaml'))];

/** The connectivity document synth writes to `dist/<env>/connectivity.md`. */
function connectivityDocument(chart: McpPlatformChart): string {
  return renderConnectivityDocument(chart.connectivity, { environment: chart.environment.name, namespace: chart.namespaceName });
}

function endpoint(name: string, peer: NetworkPeer, namespace: string): NetEndpoint {
  return peer.cidr ? addresses(name, peer.cidr) : outsidePods(name, peer.namespace ?? namespace, peer.podLabels ?? {});
}

/** The ingress controller routes Ingress traffic; Prometheus scrapes, which is no call. */
function callerOptions(chart: McpPlatformChart): CallerOptions {
  const network = chart.environment.clusterNetwork ?? DEFAULT_CLUSTER_NETWORK;
  return {
    ingressController: endpoint('ingress controller', network.ingressController, chart.namespaceName),
    notCallers: [endpoint('Prometheus', network.prometheus, chart.namespaceName)],
  };
}

describe.each(environments.map(e => [e.name, e] as const))('%s: the rendered NetworkPolicies work as a system', (_name, environment) => {
  const { chart, objects } = synthEnvironment(environment);

  test('every allowance is matched on the other side: ingress by the client\'s egress, egress by the server\'s ingress', () => {
    expect(checkSymmetry(objects)).toEqual([]);
  });

  test('every workload behind a Service has a caller: a rendered pod, an Ingress or a declared outside client', () => {
    expect(checkCallers(objects, callerOptions(chart))).toEqual([]);
  });

  test('every rule names its peers and its ports', () => {
    expect(checkRuleWidth(objects)).toEqual([]);
  });

  test('the connectivity document equals the policies: each row is allowed on both sides, each rule has a row', () => {
    expect(checkDocument(objects, connectivityDocument(chart))).toEqual([]);
  });

  test('the model knows every workload the environment renders', () => {
    // A workload the model does not know has no flows, so nothing may reach it and it reaches nothing.
    const known = chart.connectivity.workloads;
    const unknown = objects
      .filter(o => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind))
      .filter(o => {
        const template = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template;
        const labels = template.metadata?.labels ?? {};
        return !known.some(w => w.namespace === o.metadata.namespace && Object.entries(w.podSelector).every(([k, v]) => labels[k] === v));
      })
      .map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);
    expect(unknown).toEqual([]);
  });
});

describe.each(distEnvironments().map(e => [e] as const))('dist/%s', env => {
  test('connectivity.md is written and equals the committed manifests\' policies', () => {
    const file = path.join(DIST_DIR, env, 'connectivity.md');
    expect({ file, written: fs.existsSync(file) }).toEqual({ file, written: true });
    expect(checkDocument(distObjects(env), fs.readFileSync(file, 'utf8'))).toEqual([]);
  });
});
