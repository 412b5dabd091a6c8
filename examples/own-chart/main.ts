// A user's own cdk8s app that imports the library by its package name and composes a
// Registry into its own chart, next to its own objects.
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { defineEnvironment, McpPlatformChart, prodEnvironment, Registry } from 'cdk8s-mcp';

/** A team chart that runs just the MCP Mesh registry on PostgreSQL. */
export class TeamRegistryChart extends Chart {
  public readonly registry: Registry;

  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'team-a', disableResourceNameHashes: true, ...props });
    this.registry = new Registry(this, 'registry', {
      replicas: 2,
      // host places the NetworkPolicy egress: the pods of namespace team-a-db, on 5432.
      database: { type: 'postgres', url: { secretName: 'team-a-registry-db', key: 'uri' }, host: 'registry-db-rw.team-a-db.svc' },
      backup: { schedule: '30 1 * * *', retention: { keepLast: 10 } },
    });
  }
}

/** The whole platform for an extra production region, derived from the prod preset. */
export function prodEu(): McpPlatformChart {
  const app = new App();
  return new McpPlatformChart(app, 'prod-eu', {
    environment: defineEnvironment(prodEnvironment(), { name: 'prod-eu', namespace: 'mcp-prod-eu', ingress: { host: 'mcp.eu.example.com' } }),
  });
}

if (require.main === module) {
  const app = new App();
  new TeamRegistryChart(app, 'team-a');
  app.synth();
}
