// Every status × every event: the allowed transitions with their target, and every refusal with its
// stable error code. The expectations are written out here independently of the table in the code.
import { describe, expect, it } from 'vitest';
import { CONVERSATION_EVENTS, STATUSES, transition, type ConversationEvent } from '../../src/domain/conversation-machine.js';

type Expect = string; // target status, or "!CODE" for a refusal
const EXPECTED: Record<string, Record<ConversationEvent, Expect>> = {
  bot: {
    'offload.disabled': 'bot',
    'offload.closed': 'bot',
    'offload.no_agent': 'bot',
    'offload.open': 'offloaded',
    'user.message': 'bot',
    'bot.message': 'bot',
    'agent.accept': '!NOT_WAITING',
    'wait.cancel': '!NOT_WAITING',
    'wait.timeout': '!NOT_WAITING',
    'provider.refuse': '!NOT_WAITING',
    'agent.message': '!NOT_WITH_AGENT',
    'agent.handback': '!NOT_WITH_AGENT',
    'agent.close': '!INVALID_TRANSITION',
    'agent.transfer.agent': '!INVALID_TRANSITION',
    'agent.transfer.skill': '!INVALID_TRANSITION',
    'user.end': 'closed',
    'idle.close': 'closed',
    'followup.reply': 'bot',
  },
  offloaded: {
    'offload.disabled': 'offloaded',
    'offload.closed': 'offloaded',
    'offload.no_agent': 'offloaded',
    'offload.open': 'offloaded',
    'user.message': 'offloaded',
    'bot.message': 'offloaded',
    'agent.accept': 'agent',
    'wait.cancel': 'bot',
    'wait.timeout': 'bot',
    'provider.refuse': 'bot',
    'agent.message': '!NOT_WITH_AGENT',
    'agent.handback': '!NOT_WITH_AGENT',
    'agent.close': 'closed',
    'agent.transfer.agent': 'agent',
    'agent.transfer.skill': 'offloaded',
    'user.end': 'closed',
    'idle.close': 'closed',
    'followup.reply': 'offloaded',
  },
  agent: {
    'offload.disabled': '!BOT_SILENCED',
    'offload.closed': '!BOT_SILENCED',
    'offload.no_agent': '!BOT_SILENCED',
    'offload.open': '!BOT_SILENCED',
    'user.message': 'agent',
    'bot.message': '!BOT_SILENCED',
    'agent.accept': 'agent',
    'wait.cancel': '!ALREADY_ASSIGNED',
    'wait.timeout': '!ALREADY_ASSIGNED',
    'provider.refuse': '!ALREADY_ASSIGNED',
    'agent.message': 'agent',
    'agent.handback': 'bot',
    'agent.close': 'closed',
    'agent.transfer.agent': 'agent',
    'agent.transfer.skill': 'offloaded',
    'user.end': 'closed',
    'idle.close': 'closed',
    'followup.reply': 'agent',
  },
  closed: {
    'offload.disabled': '!CONVERSATION_CLOSED',
    'offload.closed': '!CONVERSATION_CLOSED',
    'offload.no_agent': '!CONVERSATION_CLOSED',
    'offload.open': '!CONVERSATION_CLOSED',
    'user.message': 'bot',
    'bot.message': '!CONVERSATION_CLOSED',
    'agent.accept': '!CONVERSATION_CLOSED',
    'wait.cancel': '!CONVERSATION_CLOSED',
    'wait.timeout': '!CONVERSATION_CLOSED',
    'provider.refuse': '!CONVERSATION_CLOSED',
    'agent.message': '!CONVERSATION_CLOSED',
    'agent.handback': '!CONVERSATION_CLOSED',
    'agent.close': '!CONVERSATION_CLOSED',
    'agent.transfer.agent': '!CONVERSATION_CLOSED',
    'agent.transfer.skill': '!CONVERSATION_CLOSED',
    'user.end': '!CONVERSATION_CLOSED',
    'idle.close': '!CONVERSATION_CLOSED',
    'followup.reply': 'closed',
  },
};

describe('conversation state machine', () => {
  it('covers every status and event', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...STATUSES].sort());
    for (const s of STATUSES) expect(Object.keys(EXPECTED[s]!).sort()).toEqual([...CONVERSATION_EVENTS].sort());
  });

  for (const from of STATUSES) {
    for (const event of CONVERSATION_EVENTS) {
      const want = EXPECTED[from]![event];
      it(`${from} × ${event} → ${want}`, () => {
        const t = transition(from, event);
        if (want.startsWith('!')) {
          expect(t).toEqual({ ok: false, code: want.slice(1) });
        } else {
          expect(t.ok).toBe(true);
          if (t.ok) {
            expect(t.to).toBe(want);
            expect(t.name).toMatch(/^[a-z_]+\.[a-z_.]+$/);
          }
        }
      });
    }
  }

  it('opening an offload requests a handover and starts the waiting timer; reaching it again does not', () => {
    const first = transition('bot', 'offload.open');
    expect(first.ok && first.effects).toEqual(['run_dialog:offloading_opened', 'request_handover', 'start_waiting_timer']);
    const again = transition('offloaded', 'offload.open');
    expect(again.ok && again.effects).toEqual(['run_dialog:offloading_opened']);
  });

  it('the bot answers while waiting but never while an agent owns the chat', () => {
    const waiting = transition('offloaded', 'user.message');
    expect(waiting.ok && waiting.effects).toContain('bot_answers');
    const owned = transition('agent', 'user.message');
    expect(owned.ok && owned.effects).not.toContain('bot_answers');
  });

  it('disabled and closed run their dialogs and stay with the bot', () => {
    expect(transition('bot', 'offload.disabled')).toMatchObject({ ok: true, to: 'bot', effects: ['run_dialog:offloading_disabled'] });
    expect(transition('bot', 'offload.closed')).toMatchObject({ ok: true, to: 'bot', effects: ['run_dialog:offloading_closed'] });
    expect(transition('bot', 'offload.no_agent')).toMatchObject({ ok: true, to: 'bot', effects: ['run_dialog:offloading_no_agent'] });
  });
});
