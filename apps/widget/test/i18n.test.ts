// The character counter's words agree with the number in every language ("1 character too long").
import { describe, expect, it } from 'vitest';
import { strings } from '../src/i18n';

describe('widget strings: counter plurals', () => {
  it.each([
    ['en', 1, '1 character too long', '1 character left'],
    ['en', 2, '2 characters too long', '2 characters left'],
    ['nl', 1, '1 teken te lang', 'nog 1 teken'],
    ['nl', 5, '5 tekens te lang', 'nog 5 tekens'],
    ['fr', 1, '1 caractère de trop', '1 caractère restant'],
    ['fr', 3, '3 caractères de trop', '3 caractères restants'],
  ] as const)('%s, %i', (lang, n, tooLong, left) => {
    expect(strings(lang).tooLong(n)).toBe(tooLong);
    expect(strings(lang).left(n)).toBe(left);
  });
});
