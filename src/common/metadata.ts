/**
 * The metadata every object this library renders is built with: passed in at construction
 * (namespace included), never patched in afterwards.
 * @internal
 */
export interface ObjectMetadata {
  readonly name: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}
