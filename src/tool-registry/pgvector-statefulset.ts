import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addDataVolumeClaimTemplate, applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { commandProbes, ProbeTimings } from '../common/probes';
import { applyScheduling, SchedulingOptions } from '../common/scheduling';
import { envFromSecret } from '../common/secrets';
import { createService, dropAddressSelector } from '../common/service';
import { ResolvedStorage } from './pgvector-shared';
import { PGVECTOR_RUNTIME } from './tool-registry-runtime';

/** Inputs of {@link renderPostgresStatefulSet}, resolved by PgvectorDatabase. @internal */
export interface PostgresStatefulSetSpec {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly image: string;
  readonly owner: string;
  readonly databaseName: string;
  readonly credentialsSecret: string;
  readonly storage: ResolvedStorage;
  readonly resources: kplus.ContainerResources;
  readonly scheduling?: SchedulingOptions;
}

/** initdb on a fresh volume can take a minute on slow disks: the startup probe allows 5 minutes. @internal */
export const POSTGRES_PROBE_TIMINGS: ProbeTimings = {
  startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
  readiness: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 },
};

/**
 * The statefulset backend: one Postgres pod of the official image (via pgvector/pgvector), a
 * headless Service `<name>` that resolves to it, and a data volumeClaimTemplate kept when the
 * StatefulSet is deleted or scaled. The entrypoint runs initdb on first start as UID 999 with
 * the owner from POSTGRES_USER and the password from the credentials Secret.
 *
 * Probes run pg_isready over TCP on 127.0.0.1: during first-start initialisation the entrypoint's
 * temporary server listens on the Unix socket only, so the pod is not ready until the real
 * server is up.
 * @internal
 */
export function renderPostgresStatefulSet(scope: Construct, spec: PostgresStatefulSetSpec): kplus.StatefulSet {
  const user = { uid: PGVECTOR_RUNTIME.uid };
  const service = createService(scope, 'service', {
    name: spec.name, labels: spec.labels, selector: spec.selector, headless: true,
    ports: [{ name: 'postgresql', port: PGVECTOR_RUNTIME.port, containerPort: PGVECTOR_RUNTIME.port }],
  });
  const sts = new kplus.StatefulSet(scope, 'Resource', {
    metadata: { name: spec.name, labels: spec.labels },
    select: false,
    replicas: 1,
    service,
    podManagementPolicy: kplus.PodManagementPolicy.ORDERED_READY,
    automountServiceAccountToken: false,
    terminationGracePeriod: Duration.seconds(60),
    securityContext: restrictedPodSecurityContext(user),
  });
  dropAddressSelector(service);
  applyPodConventions(sts, { selector: spec.selector, labels: spec.labels });
  const probes = commandProbes(
    ['pg_isready', '--host=127.0.0.1', `--port=${PGVECTOR_RUNTIME.port}`, `--username=${spec.owner}`, `--dbname=${spec.databaseName}`],
    POSTGRES_PROBE_TIMINGS,
  );
  const container = sts.addContainer({
    name: 'postgres',
    image: spec.image,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    ports: [{ name: 'postgresql', number: PGVECTOR_RUNTIME.port }],
    startup: probes.startup,
    liveness: probes.liveness,
    readiness: probes.readiness,
    securityContext: restrictedContainerSecurityContext(user),
    resources: spec.resources,
    envVariables: {
      POSTGRES_USER: kplus.EnvValue.fromValue(spec.owner),
      POSTGRES_PASSWORD: envFromSecret(scope, { secretName: spec.credentialsSecret, key: 'password' }),
      POSTGRES_DB: kplus.EnvValue.fromValue(spec.databaseName),
      POSTGRES_INITDB_ARGS: kplus.EnvValue.fromValue('--data-checksums'),
      PGDATA: kplus.EnvValue.fromValue(PGVECTOR_RUNTIME.pgdata),
    },
  });
  container.mount(PGVECTOR_RUNTIME.socketPath, scratchVolume(sts, 'run', 16));
  container.mount('/tmp', scratchVolume(sts, 'tmp'));
  // Parallel queries and VACUUM allocate dynamic shared memory in /dev/shm (counts against the memory limit).
  container.mount('/dev/shm', kplus.Volume.fromEmptyDir(sts, 'shm-volume', 'shm', { medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: Size.mebibytes(256) }));

  addDataVolumeClaimTemplate(sts, {
    name: 'data',
    gibibytes: spec.storage.gibibytes,
    storageClassName: spec.storage.storageClassName,
    mountPath: PGVECTOR_RUNTIME.dataMountPath,
  });
  // A single pod: no topology spread unless asked for.
  applyScheduling(scope, 'scheduling', sts, spec.selector, spec.scheduling, false);
  return sts;
}
