import { CronExpressionParser } from 'cron-parser';

const cache = new Map<string, number>();

/**
 * The longest gap between two consecutive runs of a five-field cron schedule, in seconds, over a
 * year of runs from a fixed date (so the value, and any rule rendered from it, never changes with
 * the day of synth). Memoized per schedule and time zone.
 *
 * A schedule that fires every day the same way (day of month, month and day of week all `*`) in
 * UTC repeats daily, so two days of runs give the same answer as a year; a `*\/15` schedule
 * would otherwise walk 35,040 runs.
 */
export function longestCronIntervalSeconds(schedule: string, timeZone?: string): number {
  const key = `${schedule}\u0000${timeZone ?? ''}`;
  let seconds = cache.get(key);
  if (seconds === undefined) {
    seconds = scan(schedule, timeZone, repeatsDaily(schedule, timeZone) ? 2 : 366);
    cache.set(key, seconds);
  }
  return seconds;
}

function repeatsDaily(schedule: string, timeZone?: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  return fields.length === 5 && fields.slice(2).every(f => f === '*') && (timeZone === undefined || timeZone === 'UTC' || timeZone === 'Etc/UTC');
}

function scan(schedule: string, timeZone: string | undefined, days: number): number {
  const start = Date.UTC(2025, 0, 1);
  const end = start + days * 86_400_000;
  const runs = CronExpressionParser.parse(schedule, { currentDate: new Date(start), tz: timeZone });
  let previous = runs.next().getTime();
  let longest = 0;
  // A gap can end after the window: the run after `end` still counts.
  while (previous < end) {
    const next = runs.next().getTime();
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  return Math.round(longest / 1000);
}
