// Retention rules: which settings make sense together, and the passes a retention run makes with
// the cut-off time of each (docs/deployment.md "Retention").
import type { RetentionSettings } from '@baton/proto';
import type { Problem } from './offloading-settings.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export function defaultRetentionSettings(): RetentionSettings {
  return { idleCloseHours: 24, closedAfterDays: null, anonymizeAfterDays: null, deleteAfterDays: null };
}

/** What zod alone cannot check: periods that contradict each other. */
export function validateRetentionSettings(s: RetentionSettings): Problem[] {
  const problems: Problem[] = [];
  if (s.deleteAfterDays && s.anonymizeAfterDays && s.deleteAfterDays <= s.anonymizeAfterDays) {
    problems.push({ path: 'deleteAfterDays', message: `must be later than anonymizeAfterDays (${s.anonymizeAfterDays}): deleting first leaves nothing to anonymize` });
  }
  if (s.closedAfterDays && s.idleCloseHours && s.closedAfterDays * 24 <= s.idleCloseHours) {
    problems.push({ path: 'closedAfterDays', message: `must be longer than idleCloseHours (${s.idleCloseHours} h): it closes what idle closing leaves open (waiting and agent conversations)` });
  }
  return problems;
}

/** One pass of a retention run: what it does to which conversations (closing: those in status `from`), idle or closed since before `before`. */
export type RetentionPass =
  | { action: 'close'; from: 'bot' | 'offloaded' | 'agent'; before: number; after: { hours: number } | { days: number } }
  | { action: 'anonymize'; before: number }
  | { action: 'delete'; before: number };

/** The passes the settings ask for at `now`, in the order a run makes them. */
export function retentionPasses(s: RetentionSettings, now: number): RetentionPass[] {
  const passes: RetentionPass[] = [];
  if (s.idleCloseHours) passes.push({ action: 'close', from: 'bot', before: now - s.idleCloseHours * HOUR, after: { hours: s.idleCloseHours } });
  if (s.closedAfterDays) {
    for (const from of ['bot', 'offloaded', 'agent'] as const) passes.push({ action: 'close', from, before: now - s.closedAfterDays * DAY, after: { days: s.closedAfterDays } });
  }
  if (s.anonymizeAfterDays) passes.push({ action: 'anonymize', before: now - s.anonymizeAfterDays * DAY });
  if (s.deleteAfterDays) passes.push({ action: 'delete', before: now - s.deleteAfterDays * DAY });
  return passes;
}
