import { describe, expect, it } from 'vitest';
import { filterCanned, insertCanned, slashQuery } from '../src/canned';
import { rowsToVariables } from '../src/components/handback-dialog';
import { cleanButtons } from '../src/components/card-builder';
import { backoffDelay } from '../src/socket';
import { titleWithBadge } from '../src/notify';

const list = [
  { id: '1', shortcut: 'hello', title: 'Greeting', text: 'Hello! How can I help?' },
  { id: '2', shortcut: 'bye', title: 'Goodbye', text: 'Have a nice day, hello again soon' },
  { id: '3', shortcut: 'refund', title: 'Refund policy', text: 'Refunds take 5 days.' },
];

describe('canned responses in the composer', () => {
  it('opens on a slash word at the caret only', () => {
    expect(slashQuery('/he', 3)).toEqual({ query: 'he', start: 0 });
    expect(slashQuery('Thanks! /re', 11)).toEqual({ query: 're', start: 8 });
    expect(slashQuery('http://x', 8)).toBeNull();
    expect(slashQuery('a/b', 3)).toBeNull();
    expect(slashQuery('/', 1)).toEqual({ query: '', start: 0 });
  });
  it('ranks shortcut matches before text matches', () => {
    expect(filterCanned(list, 'hel').map((c) => c.id)).toEqual(['1', '2']);
    expect(filterCanned(list, '').length).toBe(3);
  });
  it('replaces the slash word with the text and puts the caret after it', () => {
    expect(insertCanned('Hi /he there', 3, 6, 'Hello!')).toEqual({ text: 'Hi Hello! there', caret: 9 });
  });
});

describe('small form and socket helpers', () => {
  it('types hand-back variables from the form', () => {
    expect(rowsToVariables([{ key: ' zip ', value: '1000' }, { key: 'vip', value: 'true' }, { key: 'name', value: 'Ann' }, { key: '', value: 'x' }])).toEqual({ zip: 1000, vip: true, name: 'Ann' });
  });
  it('drops untitled buttons and defaults the payload to the title', () => {
    expect(cleanButtons([{ title: ' Yes ', payload: '' }, { title: '', payload: 'x' }])).toEqual([{ title: 'Yes', payload: 'Yes' }]);
  });
  it('backs off exponentially with jitter, capped at 30 s', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(20, () => 1)).toBe(30_000);
  });
  it('badges the title with the queue count', () => {
    expect(titleWithBadge(3)).toBe('(3) Baton desk');
    expect(titleWithBadge(0)).toBe('Baton desk');
  });
});

describe('accept race', () => {
  it('tells the loser of a concurrent accept in plain words', async () => {
    const { acceptFailureText } = await import('../src/accept');
    const { ApiError } = await import('../src/api');
    expect(acceptFailureText(new ApiError(409, 'ALREADY_ASSIGNED', 'Another agent already owns this conversation'))).toBe('Another agent took this chat');
    expect(acceptFailureText(new ApiError(409, 'AGENT_UNAVAILABLE', 'You already have 3 chats (your maximum)'))).toBe('You already have 3 chats (your maximum)');
  });
});
