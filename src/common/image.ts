import { IConstruct } from 'constructs';
import { invalid } from './errors';

/**
 * A parsed container image reference: `[registry[:port]/]repository[:tag][@digest]`.
 *
 * Parsing follows the distribution reference grammar: the first path component is a
 * registry host only when it contains '.' or ':' or is `localhost`; the tag is what follows
 * the last ':' after the last '/'; the digest follows '@'. (The original MCP Platform
 * backend split on the first ':' and produced `repo:repo` for `host:5000/repo:tag`.)
 */
export class ImageReference {
  /**
   * Parses an image reference.
   * @throws Error when the reference is empty, has an empty component, or a malformed tag or digest.
   */
  public static parse(reference: string): ImageReference {
    const ref = reference.trim();
    if (!ref || /\s/.test(ref)) throw new Error(`image reference ${JSON.stringify(reference)} is empty or contains whitespace`);
    const [nameAndTag, digest, ...extra] = ref.split('@');
    if (extra.length > 0 || (digest !== undefined && !validDigest(digest))) {
      throw new Error(`image reference ${JSON.stringify(reference)} has a malformed digest; expected @sha256:<64 hex digits> (or @sha512:<128>)`);
    }
    const slash = nameAndTag.lastIndexOf('/');
    const colon = nameAndTag.lastIndexOf(':');
    const hasTag = colon > slash;
    const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
    const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
    if (tag !== undefined && !TAG.test(tag)) {
      throw new Error(`image reference ${JSON.stringify(reference)} has a malformed tag ${JSON.stringify(tag)}`);
    }
    const parts = name.split('/');
    if (parts.some(p => p === '')) throw new Error(`image reference ${JSON.stringify(reference)} has an empty path component`);
    const first = parts[0];
    const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
    const registry = hasRegistry ? first : undefined;
    const repository = (hasRegistry ? parts.slice(1) : parts).join('/');
    if (!REPOSITORY.test(repository)) {
      throw new Error(`image reference ${JSON.stringify(reference)} has an invalid repository ${JSON.stringify(repository)} (lower-case path components only)`);
    }
    return new ImageReference(repository, { registry, tag, digest });
  }

  /** Registry host, with port if any (e.g. `ghcr.io`, `registry.local:5000`); undefined for Docker Hub short names. */
  public readonly registry?: string;
  /** Tag (e.g. `3.6.0`); undefined when only a digest or nothing is given. */
  public readonly tag?: string;
  /** Content digest (e.g. `sha256:...`). */
  public readonly digest?: string;

  /**
   * @param repository path below the registry, e.g. `mcpmesh/registry`
   */
  public constructor(public readonly repository: string, parts: { registry?: string; tag?: string; digest?: string } = {}) {
    this.registry = parts.registry;
    this.tag = parts.tag;
    this.digest = parts.digest;
  }

  /** The reference in canonical form: `registry/repository:tag@digest` with absent parts omitted. */
  public toString(): string {
    const name = this.registry ? `${this.registry}/${this.repository}` : this.repository;
    return `${name}${this.tag ? `:${this.tag}` : ''}${this.digest ? `@${this.digest}` : ''}`;
  }

  /** The version to show in `app.kubernetes.io/version`: the tag, else the short digest. */
  public get version(): string {
    if (this.tag) return this.tag;
    if (this.digest) return this.digest.replace(':', '-').slice(0, 63);
    return 'unversioned';
  }

  /**
   * Whether the reference names one immutable image: a digest, or a tag that is not a
   * moving alias (`latest`, `stable`, `main`, a bare major version such as `7`, ...).
   */
  public get pinned(): boolean {
    if (this.digest) return true;
    if (!this.tag) return false;
    return !FLOATING_TAGS.has(this.tag.toLowerCase()) && !/^v?\d+$/.test(this.tag);
  }
}

const DIGEST = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-f0-9]{32,})$/;
// Registered algorithms have a fixed length (OCI image spec, descriptor digests).
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

function validDigest(digest: string): boolean {
  const m = DIGEST.exec(digest);
  if (!m) return false;
  const expected = DIGEST_HEX_LENGTH[m[1]];
  return expected === undefined || m[2].length === expected;
}
const TAG = /^[\w][\w.-]{0,127}$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const FLOATING_TAGS = new Set(['latest', 'stable', 'edge', 'main', 'master', 'nightly', 'dev', 'develop', 'alpine', 'slim']);

/**
 * Parses an image prop of a construct and refuses references that are not pinned to a tag
 * or digest (`latest` and missing tags are never allowed: GitOps output must be reproducible).
 * @throws McpConfigError naming `field` for a malformed or unpinned reference.
 */
export function parseImageProp(scope: IConstruct, field: string, reference: string): ImageReference {
  let image: ImageReference;
  try {
    image = ImageReference.parse(reference);
  } catch (e) {
    return invalid(scope, field, reference, (e as Error).message);
  }
  if (!image.digest && (!image.tag || image.tag === 'latest')) {
    invalid(scope, field, reference, 'pin the image to a version tag or a digest (e.g. repo:1.2.3 or repo@sha256:...); latest is never allowed');
  }
  return image;
}
