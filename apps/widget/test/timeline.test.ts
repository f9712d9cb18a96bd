import { describe, expect, it } from 'vitest';
import type { Message } from '@baton/proto';
import { backoff, lastSeq, merge } from '../src/timeline';
import { pickLanguage, strings } from '../src/i18n';

const m = (seq: number): Message => ({ id: `m${seq}`, conversationId: 'c', seq, author: { type: 'bot' }, text: `t${seq}`, createdAt: '' });

describe('widget timeline', () => {
  it('merges by seq: in order, each once, whatever the arrival order', () => {
    let list: Message[] = [];
    list = merge(list, [m(3), m(1)]);
    list = merge(list, [m(2), m(3)]);
    list = merge(list, [m(1)]);
    expect(list.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(lastSeq(list)).toBe(3);
    const same = merge(list, [m(2)]);
    expect(same).toBe(list); // unchanged lists keep their identity (no re-render)
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoff(0, () => 0)).toBe(250);
    expect(backoff(0, () => 1)).toBe(500);
    expect(backoff(3, () => 1)).toBe(4000);
    expect(backoff(30, () => 1)).toBe(15000);
    const spread = new Set(Array.from({ length: 20 }, () => backoff(4)));
    expect(spread.size).toBeGreaterThan(5);
  });

  it('chooses en/nl/fr from the configured locale, else the browser, else English', () => {
    expect(pickLanguage('nl-BE', ['en-US'])).toBe('nl');
    expect(pickLanguage(undefined, ['de-DE', 'fr-FR'])).toBe('fr');
    expect(pickLanguage(undefined, ['de-DE'])).toBe('en');
    expect(strings('fr').waiting(2, 3)).toContain('numéro 2');
  });
});
