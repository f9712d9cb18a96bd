// What of a bot turn's variables may fill the conversation's user (domain/identity.ts).
import { describe, expect, it } from 'vitest';
import { givenIdentity } from '../../src/domain/identity.js';

describe('identity from the bot', () => {
  it('takes name and email when a turn changes them, tidied and validated', () => {
    expect(givenIdentity({}, { name: '  Jan\tPeeters ' })).toEqual({ name: 'Jan Peeters' });
    expect(givenIdentity({ name: 'Jan' }, { name: 'Jan', email: ' jan@example.com ' })).toEqual({ email: 'jan@example.com' });
    // unchanged: nothing to write (the common turn costs no write)
    expect(givenIdentity({ name: 'Jan', email: 'jan@example.com' }, { name: 'Jan', email: 'jan@example.com', other: 1 })).toBeUndefined();
  });

  it('refuses what is not a name or an e-mail address', () => {
    expect(givenIdentity({}, { email: 'not-an-email' })).toBeUndefined();
    expect(givenIdentity({}, { email: `${'a'.repeat(320)}@example.com` })).toBeUndefined();
    expect(givenIdentity({}, { name: 'x'.repeat(201) })).toBeUndefined();
    expect(givenIdentity({}, { name: '   ' })).toBeUndefined();
    expect(givenIdentity({}, { name: 42, email: true })).toBeUndefined();
    expect(givenIdentity({}, { name: 'Ann', email: 'nope' })).toEqual({ name: 'Ann' });
  });

  it('follows the bot\'s user: mapping instead of the default variables', () => {
    const mapping = { name: 'full_name', email: 'mail' };
    expect(givenIdentity({}, { name: 'Ignored', full_name: 'Mara Mapped', mail: 'mara@example.net' }, mapping)).toEqual({ name: 'Mara Mapped', email: 'mara@example.net' });
    expect(givenIdentity({}, { email: 'ignored@example.net' }, { name: 'full_name' })).toEqual({ email: 'ignored@example.net' });
  });
});
