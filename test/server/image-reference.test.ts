import { Testing } from 'cdk8s';
import { ImageReference } from '../../src/common/image';
import { McpServer } from '../../src/server/mcp-server';
import { BUILTIN_TEMPLATES } from '../../src/server/server-catalog';
import { templateImage } from '../../src/server/server-template';

const fileServer = BUILTIN_TEMPLATES.find(t => t.id === 'file-server')!;
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

describe('template images under a registry prefix', () => {
  test.each([
    ['ghcr.io/data-everything', 'ghcr.io/data-everything/mcp-file-server:1.0.0'],
    ['registry.local:5000', 'registry.local:5000/mcp-file-server:1.0.0'],
    ['registry.local:5000/team/mcp/', 'registry.local:5000/team/mcp/mcp-file-server:1.0.0'],
    ['localhost:32000/mcp', 'localhost:32000/mcp/mcp-file-server:1.0.0'],
  ])('prefix %s', (prefix, expected) => {
    expect(templateImage(fileServer, prefix).toString()).toBe(expected);
  });

  test('tag plus digest', () => {
    const image = templateImage({ ...fileServer, digest: DIGEST }, 'registry.local:5000/mcp');
    expect(image).toMatchObject({ registry: 'registry.local:5000', repository: 'mcp/mcp-file-server', tag: '1.0.0', digest: DIGEST });
    expect(image.toString()).toBe(`registry.local:5000/mcp/mcp-file-server:1.0.0@${DIGEST}`);
  });

  test('a repository with its own registry host ignores the prefix', () => {
    expect(templateImage({ ...fileServer, repository: 'quay.io/acme/files' }, 'ghcr.io/data-everything').toString()).toBe('quay.io/acme/files:1.0.0');
  });

  test('the rendered Deployment uses the parsed reference, with the tag as the version label', () => {
    const chart = Testing.chart();
    const server = new McpServer(chart, 'fs', {
      template: 'file-server', registryPrefix: 'registry.local:5000/team/mcp', digest: DIGEST, tag: '1.0.1',
      config: { allowed_directories: ['/data'] },
    });
    const deployment = Testing.synth(chart).find(o => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].image).toBe(`registry.local:5000/team/mcp/mcp-file-server:1.0.1@${DIGEST}`);
    expect(deployment.metadata.labels['app.kubernetes.io/version']).toBe('1.0.1');
    expect(server.image.pinned).toBe(true);
  });

  test('an unpinned server image fails at synth with the field and the fix', () => {
    expect(() => new McpServer(Testing.chart(), 'fs', { template: 'demo', tag: 'latest' }))
      .toThrow(/fs: invalid tag "latest": pin the image to a version tag or a digest/);
  });
});
