import { Testing } from 'cdk8s';
import { ImageReference } from '../../src/common/image';
import { McpServer } from '../../src/server/mcp-server';
import { BUILTIN_TEMPLATES } from '../../src/server/server-catalog';
import { templateImage } from '../../src/server/server-template';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('ImageReference.parse (distribution reference grammar)', () => {
  test.each([
    // reference, registry, repository, tag, digest
    ['ghcr.io/data-everything/mcp-file-server:1.0.0', 'ghcr.io', 'data-everything/mcp-file-server', '1.0.0', undefined],
    ['registry.local:5000/mcp-file-server:1.0.0', 'registry.local:5000', 'mcp-file-server', '1.0.0', undefined],
    ['registry.local:5000/team/platform/mcp/mcp-demo:2.1.0-rc.1', 'registry.local:5000', 'team/platform/mcp/mcp-demo', '2.1.0-rc.1', undefined],
    ['localhost:5000/mcp-demo', 'localhost:5000', 'mcp-demo', undefined, undefined],
    ['localhost/mcp-demo:1.0.0', 'localhost', 'mcp-demo', '1.0.0', undefined],
    [`ghcr.io/data-everything/mcp-github@${DIGEST}`, 'ghcr.io', 'data-everything/mcp-github', undefined, DIGEST],
    [`registry.local:5000/mcp/mcp-github:0.13.0@${DIGEST}`, 'registry.local:5000', 'mcp/mcp-github', '0.13.0', DIGEST],
    ['dataeverything/mcp-demo:1.0.0', undefined, 'dataeverything/mcp-demo', '1.0.0', undefined],
    ['busybox', undefined, 'busybox', undefined, undefined],
  ])('%s', (reference, registry, repository, tag, digest) => {
    const image = ImageReference.parse(reference);
    expect({ registry: image.registry, repository: image.repository, tag: image.tag, digest: image.digest })
      .toEqual({ registry, repository, tag, digest });
    expect(image.toString()).toBe(reference);
  });

  test('a registry port is never taken for a tag (the original produced repo:repo)', () => {
    const image = ImageReference.parse('registry.local:5000/mcp-file-server');
    expect(image.tag).toBeUndefined();
    expect(image.registry).toBe('registry.local:5000');
    expect(image.toString()).toBe('registry.local:5000/mcp-file-server');
    expect(image.toString()).not.toMatch(/mcp-file-server:mcp-file-server/);
  });

  test.each([
    ['', /empty or contains whitespace/],
    ['ghcr.io//mcp-demo:1.0.0', /empty path component/],
    ['ghcr.io/Data-Everything/mcp-demo:1.0.0', /invalid repository/],
    ['ghcr.io/mcp-demo:1.0.0@sha256:123', /malformed digest/],
    ['ghcr.io/mcp-demo:-bad', /malformed tag/],
  ])('refuses %j', (reference, message) => {
    expect(() => ImageReference.parse(reference)).toThrow(message);
  });

  test('pinned: digests and version tags only', () => {
    expect(ImageReference.parse(`mcp-demo@${DIGEST}`).pinned).toBe(true);
    expect(ImageReference.parse('mcp-demo:1.0.0').pinned).toBe(true);
    expect(ImageReference.parse('ghcr.io/agentgateway/agentgateway:0.9.0-musl').pinned).toBe(true);
    expect(ImageReference.parse('mcp-demo:latest').pinned).toBe(false);
    expect(ImageReference.parse('mcp-demo:1').pinned).toBe(false);
    expect(ImageReference.parse('mcp-demo').pinned).toBe(false);
  });
});

describe('template images and a mirror registry', () => {
  const github = BUILTIN_TEMPLATES.find(t => t.id === 'github')!;

  test.each([
    [undefined, 'dataeverything/mcp-github:sha-d4c379b'],
    ['registry.local:5000', 'registry.local:5000/dataeverything/mcp-github:sha-d4c379b'],
    ['registry.local:5000/team/mirror/', 'registry.local:5000/team/mirror/dataeverything/mcp-github:sha-d4c379b'],
    ['localhost:32000/mcp', 'localhost:32000/mcp/dataeverything/mcp-github:sha-d4c379b'],
  ])('prefix %s', (prefix, expected) => {
    expect(templateImage(github, prefix).toString()).toBe(expected);
  });

  test('tag plus digest, and a repository with its own registry host', () => {
    const image = templateImage({ ...github, repository: 'quay.io/acme/files', digest: DIGEST }, 'registry.local:5000/mirror');
    expect(image).toMatchObject({ registry: 'registry.local:5000', repository: 'mirror/acme/files', tag: 'sha-d4c379b', digest: DIGEST });
    expect(templateImage({ ...github, repository: 'quay.io/acme/files' }).toString()).toBe('quay.io/acme/files:sha-d4c379b');
  });

  test('image replaces the template\'s, with the tag as the version label', () => {
    const chart = Testing.chart();
    const server = new McpServer(chart, 'demo', { template: 'demo', image: `registry.local:5000/team/mcp-demo:1.0.1@${DIGEST}` });
    const deployment = Testing.synth(chart).find(o => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].image).toBe(`registry.local:5000/team/mcp-demo:1.0.1@${DIGEST}`);
    expect(deployment.metadata.labels['app.kubernetes.io/version']).toBe('1.0.1');
    expect(server.image.pinned).toBe(true);
  });

  test('an unpinned server image fails at synth with the field and the fix', () => {
    expect(() => new McpServer(Testing.chart(), 'demo', { template: 'demo', image: 'dataeverything/mcp-demo:latest' }))
      .toThrow(/demo: invalid image "dataeverything\/mcp-demo:latest": pin the image to a version tag or a digest/);
  });
});
