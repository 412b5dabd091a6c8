import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as databaseBackup from '../../src/backup/database-backup';
import * as edgeGatewayRuntime from '../../src/edge-gateway/edge-gateway-runtime';
import * as agentRuntime from '../../src/agent/agent-runtime';
import { protectData } from '../../src/gitops/data-protection';
import { ManifestObject, parseManifests } from '../../src/gitops/manifest-objects';
import { checkUpgrade } from '../../src/gitops/upgrade-guard';
import { defineEnvironment, DeepPartial, McpEnvironment } from '../../src/platform/environment';
import { McpPlatformChart } from '../../src/platform/platform-chart';
import { defaultEnvironments } from '../../src/platform/presets';
import * as registryRuntime from '../../src/registry/registry-runtime';
import * as serverRuntime from '../../src/server/server-runtime';
import * as toolRegistryRuntime from '../../src/tool-registry/tool-registry-runtime';
import { withToolRegistry } from '../tool-registry/helpers';

// The upgrade matrix: every routine change, applied to each environment, must render output
// that applies over the committed dist/ (zero refused changes); the deliberate ones must be
// refused with their recipe.

const committed = (env: string): ManifestObject[] =>
  parseManifests(fs.readFileSync(path.join(__dirname, '..', '..', 'dist', env, 'manifests.k8s.yaml'), 'utf8'));

/** Renders an environment the way synth does (data protection included). */
function render(environment: McpEnvironment): ManifestObject[] {
  const chart = new McpPlatformChart(Testing.app(), environment.name, { environment });
  protectData(chart);
  return Testing.synth(chart) as ManifestObject[];
}

/** `repo:1.2.3-x` -> `repo:1.2.4-x`: the next patch release of an image. */
const bump = (image: string): string => image.replace(/(\d+)(?=\D*$)/, n => String(Number(n) + 1));

const presets = defaultEnvironments();
const byName = (name: string) => presets.find(e => e.name === name)!;

/** A change to an environment, or undefined where it does not apply (no such component). */
type Change = (env: McpEnvironment) => DeepPartial<McpEnvironment> | undefined;

// Routine changes, each written so it applies to every preset it makes sense for.
const routine: Record<string, Change> = {
  'nothing': () => ({}),
  'registry image tag': () => ({ registry: { image: bump(registryRuntime.REGISTRY_RUNTIME.image) } }),
  'edge gateway image tag': () => ({ edgeGateway: { image: bump(edgeGatewayRuntime.EDGE_GATEWAY_RUNTIME.image) } }),
  'bundled Redis image tag': e => (e.edgeGateway?.redis?.type === 'bundled' ? { edgeGateway: { redis: { image: bump(edgeGatewayRuntime.REDIS_RUNTIME.image) } } } : undefined),
  // The tool registry is in no preset (the API publishes no image): its rows apply where an environment adds it.
  'tool registry image tag': e => (e.toolRegistry ? { toolRegistry: { image: bump(e.toolRegistry.image) } } : undefined),
  'pgvector database image tag': e => (e.toolRegistry ? {
    toolRegistry: { database: { image: bump(e.toolRegistry.database?.backend === 'cloudnative-pg' ? toolRegistryRuntime.PGVECTOR_RUNTIME.cnpgImage : toolRegistryRuntime.PGVECTOR_RUNTIME.image) } },
  } : undefined),
  'migration client image tag': e => (e.toolRegistry ? { toolRegistry: { database: { migration: { image: bump(databaseBackup.POSTGRES_CLIENT_IMAGE) } } } } : undefined),
  'backup client image tags': e => ({
    registry: { backup: { image: bump(e.registry?.database?.type === 'postgres' ? databaseBackup.POSTGRES_CLIENT_IMAGE : databaseBackup.SQLITE_BACKUP_IMAGE) } },
    ...(!e.toolRegistry || e.toolRegistry.database?.backend === 'cloudnative-pg' ? {} : { toolRegistry: { database: { backup: { image: bump(databaseBackup.POSTGRES_CLIENT_IMAGE) } } } }),
  }),
  'agent image tags': e => ({ agents: e.agents!.map(a => ({ ...a, image: bump(agentRuntime.AGENT_RUNTIME.image) })) }),
  'scale every component': e => ({
    registry: e.registry?.database?.type === 'postgres' ? { replicas: (e.registry.replicas ?? 1) + 2 } : {},
    edgeGateway: e.edgeGateway?.autoscaling ? { autoscaling: { maxReplicas: e.edgeGateway.autoscaling.maxReplicas! + 5 } } : { replicas: 2 },
    ...(e.toolRegistry ? { toolRegistry: { autoscaling: { maxReplicas: 60 }, ...(e.toolRegistry.database?.backend === 'cloudnative-pg' ? { database: { instances: 5 } } : {}) } } : {}),
    agents: e.agents!.map(a => ({ ...a, replicas: a.persistence ? a.replicas : (a.replicas ?? 1) + 1 })),
  }),
  'enlarge standalone claims': e => ({
    registry: { backup: { storageGibibytes: (e.registry?.backup?.storageGibibytes ?? 10) * 2 } },
    ...(!e.toolRegistry || e.toolRegistry.database?.backend === 'cloudnative-pg' ? {} : { toolRegistry: { database: { backup: { storageGibibytes: 100 } } } }),
    agents: e.agents!.map(a => (a.persistence ? { ...a, persistence: { ...a.persistence, size: `${parseInt(String(a.persistence.size), 10) * 2}Gi` } } : a)),
  }),
  'add an agent': e => ({
    agents: [...e.agents!, { name: 'weather', code: { script: 'print("weather")\n' }, capabilities: [{ name: 'weather', version: '1.0.0' }], replicas: 2 }],
  }),
  'add an MCP server': e => ({ servers: { servers: [...e.servers!.servers!, { name: 'github-2', template: 'github', replicas: 2, ingress: true, config: { github_token: { secretName: 'mcp-github-token', key: 'token' } } }] } }),
  'add common labels': () => ({ commonLabels: { 'team': 'platform', 'cost-center': 'c42' } }),
  'change ingress hosts': e => ({ ingress: { host: `new.${e.ingress!.host}` } }),
  'tune config and schedules': e => ({
    registry: { backup: { schedule: '30 4 * * *', retention: { keepLast: 20 } } },
    ...(e.toolRegistry ? { toolRegistry: {
      workers: 8,
      database: e.toolRegistry.database?.backend === 'cloudnative-pg' ? { backup: { schedule: '0 5 * * *' } } : { backup: { schedule: '0 5 * * *', retention: { keepLast: 9 } } },
    } } : {}),
  }),
};

describe.each(presets.map(e => [e.name] as const))('%s: routine changes apply over the committed output', name => {
  const previous = committed(name);
  const unchanged = render(byName(name));
  test.each(Object.keys(routine).filter(change => routine[change](byName(name))))('%s', change => {
    const env = defineEnvironment(byName(name), routine[change](byName(name))!);
    const next = render(env);
    expect(checkUpgrade(previous, next).refused).toEqual([]);
    // Each change must reach the output, or the row proves nothing.
    if (change === 'nothing') expect(next).toEqual(unchanged);
    else expect(next).not.toEqual(unchanged);
  });

  test('a new library version (every image the library pins bumped) ', () => {
    const restore = bumpLibraryImages();
    try {
      // The backup and migration clients' defaults are module constants; a new library version
      // changes them exactly as these props do.
      const next = render(defineEnvironment(byName(name), libraryClientImages(byName(name))));
      expect(checkUpgrade(previous, next).refused).toEqual([]);
      // The bump reached the output.
      expect(next).not.toEqual(unchanged);
    } finally {
      restore();
    }
  });
});

// The tool registry is in no preset, so its rows run on each tier with it added, over that tier's own previous output.
const TOOL_REGISTRY_ROWS = ['tool registry image tag', 'pgvector database image tag', 'migration client image tag', 'backup client image tags', 'scale every component', 'enlarge standalone claims', 'tune config and schedules'];
describe.each((['dev', 'staging', 'prod'] as const).map(t => [t] as const))('%s with a tool registry: routine changes apply over the previous output', tier => {
  const base = withToolRegistry(tier);
  const previous = render(base);
  test.each(TOOL_REGISTRY_ROWS.filter(change => routine[change](base)?.toolRegistry))('%s', change => {
    const next = render(defineEnvironment(base, routine[change](base)!));
    expect(checkUpgrade(previous, next).refused).toEqual([]);
    expect(next.filter(o => o.metadata.name?.startsWith('tool-registry'))).not.toEqual(previous.filter(o => o.metadata.name?.startsWith('tool-registry')));
  });
});

/** Bumps every pinned image in the runtime contracts; returns the undo (also on a partial bump). */
function bumpLibraryImages(): () => void {
  const undo: (() => void)[] = [];
  const restore = () => undo.reverse().forEach(u => u());
  const objects = [registryRuntime.REGISTRY_RUNTIME, edgeGatewayRuntime.EDGE_GATEWAY_RUNTIME, edgeGatewayRuntime.REDIS_RUNTIME,
    agentRuntime.AGENT_RUNTIME, serverRuntime.STDIO_BRIDGE, toolRegistryRuntime.TOOL_REGISTRY_RUNTIME, toolRegistryRuntime.PGVECTOR_RUNTIME] as Record<string, unknown>[];
  try {
    for (const o of objects) {
      for (const key of Object.keys(o).filter(k => /image/i.test(k) && typeof o[k] === 'string')) {
        const old = o[key];
        o[key] = bump(old as string);
        undo.push(() => { o[key] = old; });
      }
    }
  } catch (e) {
    restore();
    throw e;
  }
  return restore;
}

/** The backup and migration client images one library version newer, as props. */
function libraryClientImages(e: McpEnvironment): Parameters<typeof defineEnvironment>[1] {
  // defineEnvironment merges plain objects, so it merges two override objects as well.
  const backups = routine['backup client image tags'](e)! as McpEnvironment;
  return defineEnvironment(backups, routine['migration client image tag'](e) ?? {}) as Parameters<typeof defineEnvironment>[1];
}

describe('deliberate changes are refused with their recipe', () => {
  test('growing a StatefulSet claim template (the pgvector database)', () => {
    const staging = withToolRegistry('staging');
    const env = defineEnvironment(staging, { toolRegistry: { database: { storage: { size: '40Gi' } } } });
    const { refused } = checkUpgrade(render(staging), render(env));
    expect(refused).toEqual([expect.objectContaining({ object: 'StatefulSet/mcp-staging/tool-registry-db', field: 'spec.volumeClaimTemplates' })]);
    expect(refused[0].recipe).toContain('kubectl -n mcp-staging delete statefulset tool-registry-db --cascade=orphan');
    expect(refused[0].recipe).toContain('patch pvc data-tool-registry-db-<ordinal> -p \'{"spec":{"resources":{"requests":{"storage":"40Gi"}}}}\'');
  });

  test('switching the database backend (StatefulSet to CloudNativePG)', () => {
    const staging = withToolRegistry('staging');
    const env: McpEnvironment = {
      ...staging,
      integrations: { ...staging.integrations, cloudNativePg: true },
      toolRegistry: {
        ...staging.toolRegistry!,
        database: {
          ...staging.toolRegistry!.database,
          backend: 'cloudnative-pg',
          instances: 2,
          backup: { schedule: '0 3 * * *' },
          cloudNativePg: { backupMethod: { method: 'plugin', barmanObjectName: 'tool-registry-backups' }, enablePodDisruptionBudget: true },
        },
      },
    };
    const { refused } = checkUpgrade(render(staging), render(env));
    expect(refused.map(c => `${c.object} ${c.field}`)).toEqual(['StatefulSet/mcp-staging/tool-registry-db (removed)', 'PersistentVolumeClaim/mcp-staging/tool-registry-db-backup (removed)']);
    expect(refused[0].recipe).toMatch(/copy its data to the new store.*data-tool-registry-db-<ordinal>/);
  });

  test('moving the registry from SQLite to PostgreSQL', () => {
    // The database is replaced, not merged: a PostgreSQL database has no volume size.
    const dev = byName('dev');
    const env = { ...dev, registry: { ...dev.registry, database: { type: 'postgres' as const, url: { secretName: 'mcp-mesh-registry-db', key: 'uri' }, host: 'mcp-mesh-registry-db-rw.mcp-dev.svc' } } };
    const { refused } = checkUpgrade(committed('dev'), render(env));
    expect(refused).toEqual([expect.objectContaining({ object: 'StatefulSet/mcp-dev/mcp-mesh-registry', field: 'spec.volumeClaimTemplates' })]);
    expect(refused[0].recipe).toContain('kubectl -n mcp-dev delete statefulset mcp-mesh-registry --cascade=orphan');
  });

  test('an acknowledgement lets exactly the acknowledged change through', () => {
    const staging = withToolRegistry('staging');
    const previous = render(staging);
    const env = defineEnvironment(staging, { toolRegistry: { database: { storage: { size: '40Gi' } } } });
    const ack = { object: 'StatefulSet/mcp-staging/tool-registry-db', field: 'spec.volumeClaimTemplates', reason: 'claims resized by hand' };
    expect(checkUpgrade(previous, render(env), [ack])).toEqual({ refused: [], acknowledged: [expect.objectContaining({ object: ack.object })], stale: [] });
    expect(checkUpgrade(previous, render(staging), [ack]).stale).toEqual([ack]);
  });
});
