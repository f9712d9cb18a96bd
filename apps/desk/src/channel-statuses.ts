// What a channel's service reported for the messages the desk shows (sent, delivered, read, failed
// with the reason): fetched when the conversation opens and after each message, then every 10 s while
// a message is still on its way (for five minutes at most: Telegram never reports past `sent`). Web
// widget conversations have none and are never polled.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api';

export interface DeliveryMark {
  status: 'pending' | 'sent' | 'delivered' | 'read' | 'failed';
  error: string | null;
}

const POLL_MS = 10_000;
const MAX_POLLS = 30;
const FINAL = new Set(['read', 'failed']);

export function useChannelStatuses(conversationId: string): { statuses: Record<string, DeliveryMark>; refresh: (again?: boolean) => void } {
  const [statuses, setStatuses] = useState<Record<string, DeliveryMark>>({});
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const polls = useRef(0);
  const refresh = useCallback((again = false) => {
    clearTimeout(timer.current);
    polls.current = again ? polls.current + 1 : 0;
    api
      .channelStatuses(conversationId)
      .then((r) => {
        setStatuses(Object.fromEntries(r.statuses.map((s) => [s.messageId, { status: s.status, error: s.error }])));
        // a message still on its way: its next status will come
        if (polls.current < MAX_POLLS && r.statuses.some((s) => !FINAL.has(s.status))) timer.current = setTimeout(() => refresh(true), POLL_MS);
      })
      .catch(() => undefined);
  }, [conversationId]);
  useEffect(() => {
    setStatuses({});
    refresh();
    return () => clearTimeout(timer.current);
  }, [refresh]);
  return { statuses, refresh };
}

const LABELS: Record<DeliveryMark['status'], string> = { pending: 'sending…', sent: 'sent', delivered: 'delivered', read: 'read', failed: 'not delivered' };

export function deliveryLabel(m: DeliveryMark): string {
  return m.status === 'failed' && m.error ? `${LABELS.failed}: ${m.error}` : LABELS[m.status];
}
