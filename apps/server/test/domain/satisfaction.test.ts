// The pure parts of satisfaction and the §10.3 figures: which channel answers count as a rating, the
// question in each language, and how ratings (with repeats), containment, conversations and misses
// become counters and figures.
import { describe, expect, it } from 'vitest';
import { countEvent, summarize, Tally, transitionFacts } from '../../src/domain/analytics.js';
import { ratingAnswer, ratingQuestion, ratingThanks } from '../../src/domain/satisfaction.js';

describe('a channel answer to the rating question', () => {
  it('takes a rating button, a lone typed digit 1–5 and "n/5"; nothing else', () => {
    expect(ratingAnswer({ postback: 'rating:4' })).toEqual({ score: 4, typed: false });
    expect(ratingAnswer({ postback: 'rating:4', text: '★★★★' })).toEqual({ score: 4, typed: false });
    for (const text of ['5', ' 3 ', '4/5', '4 / 5', '2.', '1!']) expect(ratingAnswer({ text }), text).toMatchObject({ typed: true });
    expect(ratingAnswer({ text: '4/5' })?.score).toBe(4);
    for (const text of ['0', '6', '10', '45', '4 stars please', 'one', '', '3/4']) expect(ratingAnswer({ text }), text).toBeUndefined();
    for (const postback of ['rating:0', 'rating:6', 'rating:x', 'rating:', 'talk_to_agent']) expect(ratingAnswer({ postback }), postback).toBeUndefined();
    // another button's postback is never a rating, whatever its title
    expect(ratingAnswer({ postback: 'menu', text: '3' })).toBeUndefined();
  });

  it('asks in the conversation language with five buttons, English for others', () => {
    expect(ratingQuestion('nl').text).toMatch(/^Hoe beoordeelt u/);
    expect(ratingQuestion('fr-BE').text).toMatch(/^Comment évaluez-vous/);
    expect(ratingQuestion('de').text).toMatch(/^How would you rate/);
    expect(ratingQuestion('en').buttons.map((b) => b.payload)).toEqual(['rating:1', 'rating:2', 'rating:3', 'rating:4', 'rating:5']);
    expect(ratingThanks('fr')).toBe('Merci pour votre évaluation !');
  });
});

describe('§10.3 figures from counters', () => {
  const range = { from: 0, to: 1 };
  const name = (id: string) => `name of ${id}`;
  const rated = (score: number, previousScore: number | null, agentId = 'a1', trigger = 'explicit') => ({
    type: 'conversation.rated',
    data: { fromStatus: 'closed', score, previousScore, agentId, skill: 'general', trigger },
  });

  it('a repeat moves one rating to the new score: count and average are the ratings as they stand', () => {
    const t = new Tally();
    countEvent(t, rated(5, null));
    countEvent(t, rated(2, null, 'a2', 'frustration'));
    countEvent(t, rated(4, 2, 'a2', 'frustration'));
    const a = summarize(t, range, name);
    expect(a.csat).toMatchObject({ count: 2, average: 4.5 });
    expect(a.csat.byAgent).toEqual([
      { agentId: 'a1', name: 'name of a1', count: 1, average: 5 },
      { agentId: 'a2', name: 'name of a2', count: 1, average: 4 },
    ]);
    expect(a.csat.byTrigger).toEqual({ explicit: { count: 1, average: 5 }, frustration: { count: 1, average: 4 } });
    // a range holding only the repeat: no second rating
    const only = new Tally();
    countEvent(only, rated(4, 2));
    expect(summarize(only, range, name).csat).toMatchObject({ count: 0, average: null, byAgent: [] });
    // a score outside 1–5 is not counted
    const bad = new Tally();
    countEvent(bad, rated(9, null));
    expect(bad.empty).toBe(true);
  });

  it('containment: a close from the bot of a conversation that never asked for a person', () => {
    const facts = (status: string, handedOver: boolean, name: 'conversation.ended' | 'conversation.idle_closed' | 'conversation.closed' = 'conversation.ended') =>
      transitionFacts({ status, assigneeId: null, assignedAt: null, handedOver }, name, 0);
    expect(facts('bot', false).contained).toBe(true);
    expect(facts('bot', false, 'conversation.idle_closed').contained).toBe(true);
    expect(facts('bot', true).contained).toBe(false);
    expect(facts('offloaded', false).contained).toBeUndefined();
    expect(facts('agent', false, 'conversation.closed').contained).toBeUndefined();
    const t = new Tally();
    for (let i = 0; i < 4; i++) countEvent(t, { type: 'conversation.started', data: { fromStatus: 'bot' } });
    countEvent(t, { type: 'conversation.ended', data: { ...facts('bot', false) } });
    countEvent(t, { type: 'conversation.idle_closed', data: { ...facts('bot', false, 'conversation.idle_closed') } });
    countEvent(t, { type: 'conversation.ended', data: { ...facts('bot', true) } });
    countEvent(t, { type: 'conversation.offloaded', data: { trigger: 'explicit', fromStatus: 'bot' } });
    countEvent(t, { type: 'bot.not_understood', data: { fromStatus: 'bot', first: true } });
    countEvent(t, { type: 'bot.not_understood', data: { fromStatus: 'bot', first: false } });
    const a = summarize(t, range, name);
    expect(a).toMatchObject({ conversations: 4, containedByBot: 2, containmentRate: 0.5, handoverRate: { total: 0.25, byTrigger: { explicit: 0.25 } }, notUnderstood: { messages: 2, conversations: 1, rate: 0.25 } });
  });
});
