// The agent's avatar in the widget header: the first and last name's initials.
import { describe, expect, it } from 'vitest';
import { initials } from '../src/app';

describe('agent initials', () => {
  it.each([
    ['Administrator', 'A'],
    ['Robin Rater', 'RR'],
    ['  anna   de  vries ', 'AV'],
    ['Élodie Ñúñez', 'ÉÑ'],
    ['', '?'],
  ])('%j → %s', (name, want) => {
    expect(initials(name)).toBe(want);
  });
});
