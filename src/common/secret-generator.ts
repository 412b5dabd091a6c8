import { Chart, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { Connectivity } from '../connectivity/connectivity';
import { templateHashedName } from './job-name';
import { recommendedLabels, selectorLabels } from './labels';
import { KUBERNETES_API_PORTS } from './network';
import { applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './pod';
import { HELPER_RESOURCE_DEFAULTS, resolveResources } from './resources';

// curl's official image: Alpine with BusyBox sh, tr and head, running as curl_user (UID 100).
/** Image of the secret generator Job: curl and a POSIX shell. */
export const SECRET_GENERATOR_IMAGE = 'curlimages/curl:8.11.1';
const CURL_UID = 100;

/** Where a pod's ServiceAccount token, CA and namespace are mounted. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** One Secret the generator creates when it is missing. */
export interface GeneratedSecret {
  readonly name: string;
  /** Keys, each given 40 random alphanumeric characters. */
  readonly keys: readonly string[];
  readonly labels: Record<string, string>;
}

const NAME = 'mcp-secret-generator';

/**
 * A one-shot Job, with a ServiceAccount and a namespaced Role, that creates the namespace's
 * generated Secrets when they are missing, each key holding 40 random alphanumeric characters
 * read from the node's /dev/urandom. Values exist only in the cluster (never in git, never
 * derivable from the manifests) and an existing Secret is never changed, so re-running it is
 * safe and rotating a value is `kubectl delete secret <name>` and re-running the Job.
 *
 * The Role grants `get` on exactly those Secrets and `create` on Secrets (the API cannot limit
 * `create` by name). The Job's name carries a hash of its pod template, so a new Secret renders
 * a new Job instead of an immutable-field error. Pods reading a Secret start once it exists (the
 * kubelet retries CreateContainerConfigError), so `kubectl apply` of the output needs no manual step.
 */
export class SecretGenerator extends Construct {
  /** The generator of `namespace` in the chart of `scope` (created on first use). */
  public static of(scope: IConstruct, namespace?: string): SecretGenerator {
    const chart = Chart.of(scope);
    const ns = namespace ?? chart.namespace ?? 'default';
    const id = `secret-generator-${ns}`;
    return (chart.node.tryFindChild(id) as SecretGenerator | undefined) ?? new SecretGenerator(chart, id, ns);
  }

  private readonly secrets = new Map<string, GeneratedSecret>();
  private readonly requesters = new Map<string, string>();
  /** The Job. */
  public readonly job: kplus.Job;

  private constructor(scope: Chart, id: string, public readonly namespace: string) {
    super(scope, id);
    const identity = { name: NAME, instance: NAME, component: 'secret-generator', version: SECRET_GENERATOR_IMAGE.split(':')[1] };
    const labels = recommendedLabels(identity);
    const selector = selectorLabels(identity);
    const metadata = { name: NAME, namespace, labels };
    const serviceAccount = new kplus.ServiceAccount(this, 'service-account', { metadata, automountToken: false });
    const role = new kplus.k8s.KubeRole(this, 'role', {
      metadata,
      rules: [
        { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: Lazy.any({ produce: () => this.names() }) },
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      ],
    });
    new kplus.k8s.KubeRoleBinding(this, 'role-binding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace }],
    });
    const model = Connectivity.of(this);
    const user = { uid: CURL_UID };
    this.job = new kplus.Job(this, 'job', {
      metadata: { name: templateHashedName(() => this.job, NAME), namespace, labels },
      select: false,
      serviceAccount,
      automountServiceAccountToken: true,
      backoffLimit: 6,
      activeDeadline: Duration.minutes(10),
      restartPolicy: kplus.RestartPolicy.NEVER,
      securityContext: restrictedPodSecurityContext(user),
    });
    applyPodConventions(this.job, { selector, labels });
    this.job.addContainer({
      name: 'generate',
      image: SECRET_GENERATOR_IMAGE,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', '-c', Lazy.any({ produce: () => secretGeneratorScript([...this.secrets.values()]) }) as unknown as string],
      securityContext: restrictedContainerSecurityContext(user),
      resources: resolveResources(this, 'secretGenerator.resources', undefined, HELPER_RESOURCE_DEFAULTS),
    });
    const workload = model.addWorkload(this, {
      name: NAME,
      component: 'SecretGenerator',
      namespace,
      podSelector: selector,
      networkPolicy: { name: NAME, labels, ingress: true, egress: true },
      dns: model.clusterNetwork.dns,
    });
    model.allow({ from: workload, to: Connectivity.external('Kubernetes API server', model.clusterNetwork.apiServer ?? { cidr: '0.0.0.0/0' }), ports: KUBERNETES_API_PORTS, reason: 'creates the missing Secrets' });
  }

  /**
   * Creates `secret` when it is missing (keys merge when two components ask for the same Secret).
   * `requestedBy` is the construct path of the component reading it, for policy errors.
   */
  public add(secret: GeneratedSecret, requestedBy?: string): void {
    if (requestedBy && !this.requesters.has(secret.name)) this.requesters.set(secret.name, requestedBy);
    const known = this.secrets.get(secret.name);
    this.secrets.set(secret.name, known ? { ...known, keys: [...new Set([...known.keys, ...secret.keys])].sort() } : { ...secret, keys: [...secret.keys].sort() });
  }

  /** The generated Secrets, each with the path of the first component that asked for it. */
  public get requests(): { readonly secretName: string; readonly requestedBy: string }[] {
    return this.names().map(secretName => ({ secretName, requestedBy: this.requesters.get(secretName) ?? this.node.path }));
  }

  private names(): string[] {
    return [...this.secrets.keys()].sort();
  }
}

/**
 * The generator's POSIX shell script: for each Secret, GET it from the API server; on 404 POST
 * it with random values; 409 (created meanwhile) is fine; anything else fails the Job (which
 * retries). Talks to the API with the pod's ServiceAccount token over the cluster CA.
 */
export function secretGeneratorScript(secrets: readonly GeneratedSecret[]): string {
  const sorted = [...secrets].sort((a, b) => a.name.localeCompare(b.name));
  return [
    'set -eu',
    `sa=${SERVICE_ACCOUNT_DIR}`,
    'api="https://${KUBERNETES_SERVICE_HOST}:${KUBERNETES_SERVICE_PORT}/api/v1/namespaces/$(cat "$sa/namespace")/secrets"',
    'call() { curl -sS --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" -o /dev/null -w \'%{http_code}\' "$@"; }',
    "random() { tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40; }",
    'generate() {',
    '  name=$1; labels=$2; shift 2',
    '  code=$(call "$api/$name")',
    '  case $code in',
    '    200) echo "Secret $name exists: kept"; return ;;',
    '    404) ;;',
    '    *) echo "GET Secret $name: HTTP $code" >&2; exit 1 ;;',
    '  esac',
    '  data=""',
    '  for key in "$@"; do data="$data${data:+,}\\"$key\\":\\"$(random)\\""; done',
    '  body="{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Secret\\",\\"type\\":\\"Opaque\\",\\"metadata\\":{\\"name\\":\\"$name\\",\\"labels\\":$labels},\\"stringData\\":{$data}}"',
    '  code=$(call -X POST -H "Content-Type: application/json" --data-binary "$body" "$api")',
    '  case $code in',
    '    201) echo "Secret $name created" ;;',
    '    409) echo "Secret $name created meanwhile: kept" ;;',
    '    *) echo "POST Secret $name: HTTP $code" >&2; exit 1 ;;',
    '  esac',
    '}',
    ...sorted.map(s => `generate ${s.name} '${JSON.stringify(s.labels)}' ${s.keys.join(' ')}`),
  ].join('\n');
}
