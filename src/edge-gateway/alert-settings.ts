import { IConstruct } from 'constructs';
import { invalid } from '../common/errors';

/** The threshold and hold time of one alert; each alert documents its own defaults. */
export interface EdgeGatewayAlertSettings {
  /** Render the alert. @default true */
  readonly enabled?: boolean;
  /** The value the alert compares against (its unit is given per alert). @default - the alert's default */
  readonly threshold?: number;
  /** How long the condition must hold before the alert fires, as a Prometheus duration (`5m`, `1h`). @default - the alert's default */
  readonly for?: string;
}

/** {@link EdgeGatewayAlertSettings} with the defaults applied. @internal */
export interface ResolvedAlert {
  readonly enabled: boolean;
  readonly threshold: number;
  readonly for: string;
}

const DURATION = /^(0|(\d+(ms|s|m|h|d|w|y))+)$/;

/**
 * Applies an alert's defaults and checks the duration and threshold.
 * @throws McpConfigError naming `<field>.for` or `<field>.threshold`
 * @internal
 */
export function resolveAlert(scope: IConstruct, field: string, settings: EdgeGatewayAlertSettings | undefined, defaults: { threshold?: number; for: string }): ResolvedAlert {
  const holdFor = settings?.for ?? defaults.for;
  if (typeof holdFor !== 'string' || !DURATION.test(holdFor)) invalid(scope, `${field}.for`, holdFor, "use a Prometheus duration such as '5m', '1h' or '0m'");
  const threshold = settings?.threshold ?? defaults.threshold ?? 0;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0) invalid(scope, `${field}.threshold`, threshold, 'use a number >= 0');
  return { enabled: settings?.enabled ?? true, threshold, for: holdFor };
}

/** A PromQL label matcher list: `namespace="ns", ` when the chart has a namespace, else ''. @internal */
export function namespaceMatcher(namespace: string | undefined): string {
  return namespace ? `namespace="${namespace}", ` : '';
}
