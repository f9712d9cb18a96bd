// The dialog runtime with the real NLU: the three handover triggers in en/nl/fr, questions with
// validation and retries, the offloading states, and the webhook plugin against a real HTTP server.
import fs from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callWebhook } from '../../src/bot/webhook-client.js';
import { outboundPolicy } from '../../src/outbound/address-policy.js';
import { OutboundClient } from '../../src/outbound/client.js';
import { parseBotDefinition, type BotDefinition } from '../../src/domain/bot/definition.js';
import { createBotRuntime } from '../../src/domain/bot/runtime.js';
import type { BotContext, BotRuntime, OffloadAvailability } from '../../src/domain/bot/types.js';
import { createNlu } from '../../src/nlu/index.js';
import { botContext, talkTo } from '../support/bot.js';

const demo = fs.readFileSync(fileURLToPath(new URL('../../../../examples/demo-bot.yaml', import.meta.url)), 'utf8');
let bot: BotRuntime;
beforeAll(async () => {
  const r = parseBotDefinition(demo);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const strict = new OutboundClient(outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: false, OUTBOUND_ALLOWED_HOSTS: '' }));
  bot = await createBotRuntime(r.definition, { nlu: createNlu(), callWebhook: (req) => callWebhook(strict, req) });
});

const ctx = botContext;
const talk = (language: string, inputs: Array<string | { postback: string }>, patch: Partial<BotContext> = {}) => talkTo(bot, language, inputs, patch);

const EXPLICIT = { en: 'I want to speak to a real agent', nl: 'Ik wil met een echte medewerker spreken', fr: 'Je veux parler à un vrai agent' };
// not in any training set (the None class has other off-topic phrases)
const OFF_TOPIC = { en: 'my grandmother knits blue socks', nl: 'mijn oma breit blauwe sokken', fr: 'ma grand-mère tricote des chaussettes bleues' };
const ADDRESS = { en: 'I want my paper sent to a new address', nl: 'ik wil mijn krant op een nieuw adres', fr: 'je veux recevoir mon journal à une nouvelle adresse' };

describe.each(['en', 'nl', 'fr'] as const)('handover triggers in %s', (lang) => {
  it('explicit request → offload (skill general) with the opened dialog', async () => {
    const [t] = await talk(lang, [EXPLICIT[lang]]);
    expect(t!.offload).toMatchObject({ trigger: 'explicit', skill: 'general', dialog: 'talk_to_agent' });
    expect(t!.messages.length).toBeGreaterThan(0);
  });

  it('not understood → "talk to a human?" → yes offloads, no does not', async () => {
    const [nu] = await talk(lang, [OFF_TOPIC[lang]]);
    expect(nu!.offload).toBeUndefined();
    const yes = nu!.messages[0]!.buttons![0]!;
    const no = nu!.messages[0]!.buttons![1]!;
    const [, accepted] = await talk(lang, [OFF_TOPIC[lang], { postback: yes.payload }]);
    expect(accepted!.offload).toMatchObject({ trigger: 'not_understood' });
    const [, declined] = await talk(lang, [OFF_TOPIC[lang], { postback: no.payload }]);
    expect(declined!.offload).toBeUndefined();
  });

  it('address change: collects name, address and a valid email, then offloads with skill address_change', async () => {
    const turns = await talk(lang, [ADDRESS[lang], 'Jan Peeters', 'Kerkstraat 1, 9000 Gent', 'jan(at)example', 'jan@example.com']);
    expect(turns.slice(0, 4).every((t) => !t.offload)).toBe(true);
    const last = turns[4]!;
    expect(last.offload).toMatchObject({ trigger: 'flow_end', skill: 'address_change', variables: { name: 'Jan Peeters', new_address: 'Kerkstraat 1, 9000 Gent', email: 'jan@example.com' } });
    expect(last.tags).toContain('address_change');
    expect(last.messages.some((m) => m.text?.includes('Jan Peeters'))).toBe(true);
  });
});

describe('runtime', () => {
  it('answers ordinary questions itself', async () => {
    const [hours] = await talk('en', ['what are your opening hours?']);
    expect(hours!.intent?.name).toBe('opening_hours');
    expect(hours!.messages[0]!.text).toContain('Monday to Friday');
    expect(hours!.messages[0]!.cards?.length).toBe(2);
  });

  it('disabled and closed run their dialogs and do not offload', async () => {
    for (const offloading of ['disabled', 'closed'] as OffloadAvailability[]) {
      const [t] = await talk('en', [EXPLICIT.en], { offloading });
      expect(t!.offload).toBeUndefined();
      expect(t!.offloadBlocked).toBe(offloading);
      expect(t!.messages[0]!.text).toMatch(offloading === 'disabled' ? /temporarily unavailable/ : /not available right now/);
    }
  });

  it('while already waiting, asking again does not create a second request', async () => {
    const [t] = await talk('en', [EXPLICIT.en], { status: 'offloaded' });
    expect(t!.offload).toBeUndefined();
    expect(t!.messages[0]!.text).toContain('A live agent will join this chat');
  });

  it('gives up on a question after the retry limit', async () => {
    const turns = await talk('en', [ADDRESS.en, 'Jan', 'Street 1', 'x', 'y', 'z']);
    expect(turns[5]!.messages[0]!.text).toContain("didn't understand");
  });

  it('detects the language when no locale was given', async () => {
    const [t] = await talk('en', ['Bonjour, je voudrais parler à un conseiller humain'], { localeGiven: false });
    expect(t!.language).toBe('fr');
    const [short] = await talk('en', ['merci'], { localeGiven: false });
    expect(short!.language).toBeUndefined();
  });

  it('runs named dialogs (hand back) and refuses unknown ones safely', async () => {
    expect(bot.hasDialog('welcome')).toBe(true);
    expect(bot.hasDialog('nope')).toBe(false);
    const t = await bot.runDialog(ctx('nl'), 'offloading_timeout');
    expect(t.messages[0]!.text).toContain('bezet');
  });
});

describe('webhook plugin', () => {
  let server: http.Server;
  let url: string;
  let runtime: BotRuntime;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 2000);
        if (req.url === '/broken') return void res.writeHead(500).end('{"error":"db down"}');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ order: { status: 'shipped', eta: 2 }, echo: JSON.parse(body || '{}') }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    // the receiver is on loopback, which the outbound client refuses unless allowed (as buildApp does)
    const client = new OutboundClient(outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: false, OUTBOUND_ALLOWED_HOSTS: '127.0.0.1' }));
    const def: BotDefinition = {
      name: 'hooks', defaultLanguage: 'en', languages: ['en'], nlu: { threshold: 0.6 }, intents: {},
      dialogs: {
        welcome: { steps: [{ message: { text: 'hi' } }] },
        not_understood: { steps: [{ message: { text: '?' } }] },
        offloading_disabled: { steps: [{ message: { text: 'off' } }] },
        offloading_closed: { steps: [{ message: { text: 'closed' } }] },
        offloading_opened: { steps: [{ message: { text: 'wait' } }] },
        ok: { steps: [{ setVariable: { name: 'order_id', value: 'A-1' } }, { webhook: { url: `${url}/orders`, method: 'POST', body: { id: '{{order_id}}' }, timeoutMs: 1000, assign: { status: 'order.status', sent: 'echo.id' } } }, { message: { text: 'Your order {{order_id}} is {{status}}' } }] },
        slow: { steps: [{ webhook: { url: `${url}/slow`, method: 'GET', timeoutMs: 200 } }, { message: { text: 'never' } }] },
        broken: { steps: [{ webhook: { url: `${url}/broken`, method: 'GET', timeoutMs: 1000, onError: 'sorry' } }] },
        down: { steps: [{ webhook: { url: 'http://127.0.0.1:1/nothing', method: 'GET', timeoutMs: 500 } }] },
        sorry: { steps: [{ message: { text: 'The order system is down, sorry.' } }] },
      },
    };
    runtime = await createBotRuntime(def, { nlu: createNlu(), callWebhook: (req) => callWebhook(client, req) });
  });
  afterAll(() => server?.close());

  it('maps the JSON answer into variables', async () => {
    const t = await runtime.runDialog(ctx('en'), 'ok');
    expect(t.variables).toMatchObject({ status: 'shipped', sent: 'A-1' });
    expect(t.messages[0]!.text).toBe('Your order A-1 is shipped');
  });

  it('a slow, failing or unreachable target gives a friendly message and the conversation goes on', async () => {
    const slow = await runtime.runDialog(ctx('en'), 'slow');
    expect(slow.messages[0]!.text).toMatch(/can't reach that service/);
    expect(slow.messages).toHaveLength(1);
    expect((await runtime.runDialog(ctx('en'), 'broken')).messages[0]!.text).toBe('The order system is down, sorry.');
    expect((await runtime.runDialog(ctx('en'), 'down')).messages[0]!.text).toMatch(/can't reach/);
    expect((await runtime.respond(ctx('en'), { text: 'hello' })).messages.length).toBeGreaterThan(0);
  });
});
