import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { McpPlatformChart } from '../../src/platform/platform-chart';
import { defaultEnvironments } from '../../src/platform/presets';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const prerequisites = readme.slice(readme.indexOf('### Prerequisites per environment'), readme.indexOf('### Adding an environment'));

test.each(defaultEnvironments().map(e => [e.name, e] as const))('the README lists every object the %s chart expects to exist', (_name, environment) => {
  const chart = new McpPlatformChart(Testing.app(), environment.name, { environment });
  const missing = chart.externalReferences().filter(r => !prerequisites.includes(`${r.kind} \`${r.name}\``));
  expect(missing).toEqual([]);
});
