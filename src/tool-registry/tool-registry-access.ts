import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from '../common/errors';
import { ClusterNetwork, NetworkPort } from '../common/network';
import { provideSecret, SecretsProvisioning } from '../common/secret-provisioning';
import { envFromSecret } from '../common/secrets';
import { Connectivity, describePeer, ServiceEndpoint, Workload } from '../connectivity/connectivity';
import { PgvectorDatabase } from './pgvector-database';
import { validateSecretName } from './pgvector-shared';
import type { ToolRegistryNetworkPolicyOptions, ToolRegistryProps } from './tool-registry';
import { TOOL_REGISTRY_ENV, TOOL_REGISTRY_ROUTES, TOOL_REGISTRY_RUNTIME, ToolRegistryRoute } from './tool-registry-runtime';

// What the Tool Registry API reads and who may call it: its Secrets and secret env, the Ingress
// paths, and its place in the connectivity model. Kept apart from the construct that renders the
// objects.

/** The kubelet expands `$(DATABASE_PASSWORD)` into DATABASE_URL; the app itself ignores this variable. @internal */
export const DATABASE_PASSWORD_ENV = 'DATABASE_PASSWORD';

/**
 * The API's secret env, in the order the kubelet needs it: the owner's password from the
 * database's credentials Secret (the very Secret PostgreSQL was initialised with, or
 * CloudNativePG's `<cluster>-app`), then DATABASE_URL composed from it with `$(VAR)` expansion,
 * because the app builds an asyncpg engine and neither a generated Secret nor CloudNativePG's
 * `uri` (plain `postgresql://`, primary host) holds that URL. Generated and CloudNativePG
 * passwords are alphanumeric, so the URL needs no escaping. API_KEY and EMBEDDING_API_KEY come
 * from Secrets provided as `provisioning` says.
 * @internal
 */
export function apiSecretEnv(scope: Construct, props: ToolRegistryProps, name: string, database: PgvectorDatabase, labels: Record<string, string>, provisioning: SecretsProvisioning | undefined): Record<string, kplus.EnvValue> {
  const secrets = props.secrets ?? {};
  const apiKeySecret = validateSecretName(scope, 'secrets.apiKeySecretName', secrets.apiKeySecretName ?? `${name}-api-key`);
  const embeddingSecret = validateSecretName(scope, 'secrets.embeddingSecretName', secrets.embeddingSecretName ?? `${name}-embedding`);
  const env: Record<string, kplus.EnvValue> = {
    [DATABASE_PASSWORD_ENV]: envFromSecret(scope, database.passwordSecret),
    [TOOL_REGISTRY_ENV.databaseUrl]: kplus.EnvValue.fromValue(
      `${TOOL_REGISTRY_RUNTIME.databaseUrlScheme}://${database.owner}:$(${DATABASE_PASSWORD_ENV})@${database.host}:${database.port}/${database.databaseName}`,
    ),
  };
  // API_KEY is a key the platform chooses (generated in dev, from the store in prod);
  // EMBEDDING_API_KEY is issued by the embedding provider: never generated, a prerequisite
  // unless an ExternalSecret writes it.
  const keys = [
    { prop: 'apiKey', on: props.apiKey ?? true, secretName: apiKeySecret, variable: TOOL_REGISTRY_ENV.apiKey, generate: true, remote: secrets.remoteKeys?.apiKey },
    { prop: 'embeddingApiKey', on: props.embeddingApiKey ?? false, secretName: embeddingSecret, variable: TOOL_REGISTRY_ENV.embeddingApiKey, generate: false, remote: secrets.remoteKeys?.embeddingApiKey },
  ];
  for (const k of keys) {
    if (k.on) {
      provideSecret(scope, provisioning, {
        secretName: k.secretName, labels, field: k.prop === 'apiKey' ? 'secrets.apiKeySecretName' : 'secrets.embeddingSecretName',
        keys: { [k.variable]: { generate: k.generate, remoteKey: k.remote } },
      });
      env[k.variable] = envFromSecret(scope, { secretName: k.secretName, key: k.variable });
    } else if (k.remote) {
      invalid(scope, `secrets.remoteKeys.${k.prop}`, k.remote, `remove it, or set ${k.prop}: true (the API reads no key otherwise)`);
    }
  }
  return env;
}

/** The Ingress paths of the exposed route groups (default: the `/mcp` API only). @internal */
export function ingressPaths(scope: Construct, routes: readonly ToolRegistryRoute[] | undefined): { path: string; pathType: kplus.HttpIngressPathType }[] {
  const chosen = routes ?? ['mcp'];
  if (chosen.length === 0) invalid(scope, 'ingress.routes', chosen, "expose at least one route group, e.g. ['mcp'], or set ingress.enabled: false");
  chosen.forEach((r, i) => {
    if (!(r in TOOL_REGISTRY_ROUTES)) invalid(scope, `ingress.routes[${i}]`, r, `use ${Object.keys(TOOL_REGISTRY_ROUTES).map(k => `'${k}'`).join(', ')}`);
  });
  const order = Object.keys(TOOL_REGISTRY_ROUTES) as ToolRegistryRoute[];
  return order.filter(r => chosen.includes(r)).flatMap(r => TOOL_REGISTRY_ROUTES[r].map(p => ({
    path: p.path,
    pathType: p.exact ? kplus.HttpIngressPathType.EXACT : kplus.HttpIngressPathType.PREFIX,
  })));
}

/** What {@link registerApiConnectivity} wires. @internal */
export interface ApiConnectivitySpec {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly podSelector: Record<string, string>;
  readonly network: ToolRegistryNetworkPolicyOptions;
  readonly database: PgvectorDatabase;
  /** Port of the embedding endpoint's URL, for the default egress. */
  readonly embeddingPort: number;
  /** An Ingress routes to the API. */
  readonly ingress: boolean;
  /** A ServiceMonitor scrapes the API. */
  readonly scraped: boolean;
}

/**
 * Registers the API pods in the chart's connectivity model (their NetworkPolicy is rendered from
 * it in `scope`) and declares their flows: in from the ingress controller (only with an Ingress),
 * Prometheus (only when scraped) and the declared clients; out to DNS, the database's client
 * endpoint and the embedding endpoint.
 * @returns the API's endpoint, which other workloads (agents) connect to
 * @internal
 */
export function registerApiConnectivity(scope: Construct, spec: ApiConnectivitySpec): ServiceEndpoint {
  const model = Connectivity.of(scope);
  const cluster: ClusterNetwork = spec.network.clusterNetwork ?? model.clusterNetwork;
  const api: Workload = model.addWorkload(scope, {
    name: spec.name,
    component: 'ToolRegistry',
    podSelector: spec.podSelector,
    networkPolicy: (spec.network.enabled ?? true) ? { name: spec.name, labels: spec.labels, ingress: true, egress: true } : false,
    dns: cluster.dns,
  });
  const endpoint: ServiceEndpoint = { target: api, ports: [{ port: TOOL_REGISTRY_RUNTIME.httpPort }] };
  if (spec.ingress) model.connect(Connectivity.external('ingress controller', cluster.ingressController), endpoint, 'routes the public tool API');
  if (spec.scraped) model.connect(Connectivity.external('Prometheus', cluster.prometheus), endpoint, 'scrapes /metrics');
  model.admitClients(scope, 'networkPolicy.clients', spec.network.clients ?? [], endpoint, 'declared Tool Registry client');
  model.connect(api, spec.database.clientEndpoint, 'stores and searches tools');
  const embedding = spec.network.embeddingEndpoint ?? { peers: [{ cidr: '0.0.0.0/0' }] };
  const ports: NetworkPort[] = embedding.ports?.length ? embedding.ports : [{ port: spec.embeddingPort }];
  if (embedding.peers.length === 0) invalid(scope, 'networkPolicy.embeddingEndpoint.peers', embedding.peers, 'name where the embedding service runs: { cidr } for an external one, { namespace, podLabels } for one in the cluster');
  for (const peer of embedding.peers) {
    model.allow({ from: api, to: Connectivity.external(`embedding endpoint (${describePeer(peer)})`, peer), ports, reason: 'computes embeddings' });
  }
  return endpoint;
}
