import type { AgentConversation, Message } from '@baton/proto';
import { describe, expect, it } from 'vitest';
import { applyUpdate, isMine, mergeMessages, newIds, previewOf, sortQueue, stepSelection, userLabel } from '../src/conversation-state';

const msg = (seq: number, text = `m${seq}`, extra: Partial<Message> = {}): Message => ({
  id: `msg${seq}`,
  conversationId: 'c1',
  seq,
  author: { type: 'user' },
  text,
  createdAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
  ...extra,
});

const conv = (id: string, requestedAt: string, extra: Partial<AgentConversation> = {}): AgentConversation => ({
  id,
  status: 'offloaded',
  language: 'en',
  lastSeq: 1,
  createdAt: requestedAt,
  updatedAt: requestedAt,
  tags: [],
  variables: {},
  handover: { reason: 'asked', providerId: 'desk', requestedAt, waitingSeconds: 0 },
  user: { id: null, name: null, email: null, verified: false },
  ...extra,
});

describe('transcript merging', () => {
  it('merges REST and socket copies by id, in seq order, without duplicates', () => {
    const a = [msg(1), msg(2)];
    const merged = mergeMessages(a, [msg(4), msg(2), msg(3)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });
  it('returns the same array when nothing is new (no needless re-render)', () => {
    const a = [msg(1)];
    expect(mergeMessages(a, [])).toBe(a);
    expect(mergeMessages(a, [a[0]!])).toBe(a);
  });
});

describe('lists', () => {
  it('orders the queue longest waiting first', () => {
    const q = sortQueue([conv('b', '2026-11-25T10:05:00Z'), conv('a', '2026-11-25T10:00:00Z')]);
    expect(q.map((c) => c.id)).toEqual(['a', 'b']);
  });
  it('finds newly queued chats for notifications', () => {
    expect(newIds([{ id: 'a' }], [{ id: 'a' }, { id: 'b' }])).toEqual(['b']);
    expect(newIds([{ id: 'a' }, { id: 'b' }], [{ id: 'b' }])).toEqual([]);
  });
  it('moves the selection with j/k, clamped at the ends', () => {
    const ids = ['a', 'b', 'c'];
    expect(stepSelection(ids, undefined, 1)).toBe('a');
    expect(stepSelection(ids, undefined, -1)).toBe('c');
    expect(stepSelection(ids, 'b', 1)).toBe('c');
    expect(stepSelection(ids, 'c', 1)).toBe('c');
    expect(stepSelection(ids, 'a', -1)).toBe('a');
    expect(stepSelection([], 'a', 1)).toBeUndefined();
  });
  it('keeps agent-only fields when a socket update arrives', () => {
    const c = conv('a', '2026-11-25T10:00:00Z', { tags: ['vip'], variables: { name: 'Ann' } });
    const u = applyUpdate(c, { id: 'a', status: 'agent', language: 'en', lastSeq: 5, createdAt: c.createdAt, updatedAt: c.updatedAt, assignee: { id: 'ag1', name: 'Bo' } });
    expect(u.status).toBe('agent');
    expect(u.tags).toEqual(['vip']);
    expect(u.variables).toEqual({ name: 'Ann' });
    expect(isMine(u, 'ag1')).toBe(true);
    expect(isMine(u, 'ag2')).toBe(false);
  });
  it('labels users and previews messages by author', () => {
    expect(userLabel(conv('c_abcd', '2026-11-25T10:00:00Z'))).toBe('Visitor ABCD');
    expect(userLabel(conv('x', '2026-11-25T10:00:00Z', { user: { id: null, name: 'Ann', email: null, verified: false } }))).toBe('Ann');
    expect(previewOf(msg(1, 'hi', { author: { type: 'bot' } }))).toBe('Bot: hi');
    expect(previewOf(msg(1, 'psst', { author: { type: 'agent' }, internal: true }))).toBe('Note: psst');
    expect(previewOf(msg(1, 'Agent joined', { author: { type: 'system' }, event: 'conversation.assigned' }))).toBe('• Agent joined');
  });
});
