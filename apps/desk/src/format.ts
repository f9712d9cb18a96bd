// Pure formatting of times and durations for the desk (waiting times tick every second in the queue).
import type { TranscriptEvent } from '@baton/proto';

/** "42s", "3m 05s", "1h 02m", "2d 3h": short enough for a list row, exact enough to rank by. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${h % 24}h`;
}

/** Seconds between an ISO timestamp and now (never negative: clocks of server and browser differ). */
export function secondsSince(iso: string | null | undefined, nowMs: number): number {
  if (!iso) return 0;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 0;
  return Math.max(0, Math.floor((nowMs - t) / 1000));
}

/** How urgent a wait looks: calm under 2 minutes, warn under 5, late after. */
export function waitLevel(seconds: number): 'ok' | 'warn' | 'late' {
  if (seconds < 120) return 'ok';
  if (seconds < 300) return 'warn';
  return 'late';
}

/** "just now", "5 min ago", "3 h ago", else a short date. */
export function relativeTime(iso: string, nowMs: number): string {
  const s = secondsSince(iso, nowMs);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return shortDate(iso);
}

export function shortDate(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: d.getFullYear() === new Date().getFullYear() ? undefined : 'numeric' });
}

export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** Seconds as a dashboard figure; null means "no data yet". */
export function formatSecondsOrDash(s: number | null | undefined): string {
  return s === null || s === undefined ? '–' : formatDuration(s);
}

export function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

/** Initials for an avatar: "Ann Smith" → "AS", unknown → "?". */
export function initials(name: string | null | undefined): string {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = parts[0]![0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]![0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** Every transcript event's label: a name added to proto fails to compile here until it has one. */
const EVENT_LABELS: Record<TranscriptEvent, string> = {
  'conversation.offloaded': 'offloaded',
  'conversation.assigned': 'assigned',
  'conversation.transferred': 'transferred',
  'conversation.overflowed': 'overflowed',
  'conversation.cancelled': 'cancelled',
  'conversation.timed_out': 'timed out',
  'conversation.refused': 'refused',
  'conversation.handed_back': 'handed back',
  'conversation.closed': 'closed',
  'conversation.ended': 'ended',
  'conversation.idle_closed': 'closed (idle)',
  'conversation.reopened': 'reopened',
  'conversation.started': 'started',
  'conversation.rated': 'rated',
  'followup.created': 'follow-up left',
  'channel.media_failed': 'file not received',
  'offload.disabled': 'disabled',
  'offload.closed': 'closed',
  'offload.no_agent': 'no agent online',
  'offload.already_waiting': 'already waiting',
  'message.user': 'user',
  'message.bot': 'bot',
  'message.agent': 'agent',
  'bot.not_understood': 'not understood',
};

/** Humanise a transcript event or a handover trigger name: "conversation.handed_back" → "handed back". */
export function humanEvent(event: TranscriptEvent | (string & {})): string {
  if (Object.hasOwn(EVENT_LABELS, event)) return EVENT_LABELS[event as TranscriptEvent];
  // triggers (keyword, not_understood …) are the bot's own names
  const tail = event.includes('.') ? event.slice(event.indexOf('.') + 1) : event;
  return tail.replace(/[_.]+/g, ' ');
}

/** A date input value (YYYY-MM-DD) `days` before `nowMs`, in local time. */
export function dateInputValue(nowMs: number, daysBack = 0): string {
  const d = new Date(nowMs - daysBack * 86400_000);
  const mm = String(d.getMonth() + 1).padStart(2, '0');
  const dd = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${mm}-${dd}`;
}
