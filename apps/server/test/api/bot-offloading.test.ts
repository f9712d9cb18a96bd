// The bot and Settings > Offloading through the public APIs only: the three handover triggers and
// every offloading state (open, closed by the weekly hours, closed by a closure, disabled, and the
// DST edges of the business time zone) in en, nl and fr, driven by an injected clock; bot uploads
// and settings that are refused with their paths, keeping what ran before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createConversation, login, messages } from '../support/http.js';
import { SYSTEM_DIALOGS } from '../support/bot.js';
import { ASK_FOR_AGENT } from '../support/flows.js';
import { startTestServer, TestClock, waitFor, type TestServer } from '../support/server.js';

type Lang = 'en' | 'nl' | 'fr';
const LANGS: Lang[] = ['en', 'nl', 'fr'];
const clock = new TestClock();
let s: TestServer;
let admin: string;
let adminAt = 0;
/** an admin session valid at the test clock's current instant (moving the clock ages sessions) */
async function adminToken() {
  if (!admin || Math.abs(clock.now() - adminAt) > 3600_000) {
    admin = await login(s.url);
    adminAt = clock.now();
  }
  return admin;
}

// the demo bot's texts (examples/demo-bot.yaml), one distinctive fragment per language
const TEXT = {
  opened: { en: 'A live agent will join this chat', nl: 'Een medewerker komt in deze chat', fr: 'Un conseiller rejoindra cette conversation' },
  closed: { en: 'Our agents are not available right now', nl: 'Onze medewerkers zijn nu niet beschikbaar', fr: 'Nos conseillers ne sont pas disponibles' },
  disabled: { en: 'temporarily unavailable', nl: 'tijdelijk niet beschikbaar', fr: 'temporairement indisponible' },
  notUnderstood: { en: 'Do you want to talk to a human agent?', nl: 'Wil je met een medewerker praten?', fr: 'Voulez-vous parler à un conseiller ?' },
} satisfies Record<string, Record<Lang, string>>;
// when the closed dialog says offloading opens again (Settings → Offloading's hours, not the bot's text)
const NEXT_OPEN: Record<string, Record<Lang, string>> = {
  '2026-11-25T16:30:00Z': { en: "we're back tomorrow at 9:00.", nl: 'we zijn er weer morgen om 9.00 uur.', fr: 'nous serons de retour demain à 9 h 00.' },
  '2026-11-28T09:00:00Z': { en: "we're back on Monday at 9:00.", nl: 'we zijn er weer op maandag om 9.00 uur.', fr: 'nous serons de retour lundi à 9 h 00.' },
};
const OFF_TOPIC: Record<Lang, string> = { en: 'my grandmother knits blue socks', nl: 'mijn oma breit blauwe sokken', fr: 'ma grand-mère tricote des chaussettes bleues' };
const ADDRESS: Record<Lang, string> = { en: 'I want my paper sent to a new address', nl: 'ik wil mijn krant op een nieuw adres', fr: 'je veux recevoir mon journal à une nouvelle adresse' };

const WEEKDAY_HOURS = { monday: [{ from: '09:00', to: '17:00' }], tuesday: [{ from: '09:00', to: '17:00' }], wednesday: [{ from: '09:00', to: '17:00' }], thursday: [{ from: '09:00', to: '17:00' }], friday: [{ from: '09:00', to: '17:00' }] };

async function putSettings(patch: Record<string, unknown>) {
  await adminToken();
  const current = await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin });
  return call(s.url, 'PUT', '/api/v1/settings/offloading', { token: admin, body: { ...current.body, ...patch } });
}
async function setSettings(patch: Record<string, unknown>) {
  const r = await putSettings(patch);
  if (r.status !== 200) throw new Error(`settings: ${r.status} ${JSON.stringify(r.body)}`);
}
const businessHours = (patch: Record<string, unknown> = {}) =>
  setSettings({ enabled: true, alwaysOpen: false, timezone: 'Europe/Brussels', openingHours: WEEKDAY_HOURS, closures: [], ...patch });

/** A conversation in `lang` that has had its welcome. */
async function start(lang: Lang) {
  const c = await createConversation(s.url, { locale: lang });
  await waitFor(async () => (await messages(s.url, c.conversation.id, c.token)).some((m) => m.author.type === 'bot'), 10_000, 'welcome');
  return { id: c.conversation.id, token: c.token };
}

/** Sends text or a postback and returns the bot's answer to it (persisted in one transaction). */
async function say(conv: { id: string; token: string }, input: string | { postback: string }) {
  const body = typeof input === 'string' ? { text: input } : input;
  const sent = await call(s.url, 'POST', `/api/v1/conversations/${conv.id}/messages`, { token: conv.token, body });
  expect(sent.status).toBe(201);
  const seq = sent.body.message.seq as number;
  return waitFor(async () => {
    const after = (await messages(s.url, conv.id, conv.token, seq)).filter((m) => m.author.type === 'bot');
    return after.length ? after : undefined;
  }, 10_000, `bot answer to ${JSON.stringify(input)}`);
}
const textOf = (ms: Array<{ text?: string }>) => ms.map((m) => m.text ?? '').join('\n');
const statusOf = async (conv: { id: string; token: string }) => (await call(s.url, 'GET', `/api/v1/conversations/${conv.id}`, { token: conv.token })).body.conversation;

beforeAll(async () => {
  s = await startTestServer({ clock });
});
afterAll(() => s?.close());

describe.each(LANGS)('handover triggers through the Channel API in %s', (lang) => {
  beforeAll(() => setSettings({ enabled: true, alwaysOpen: true, closures: [] }));

  it('explicit request: offloaded, the opened dialog, a handover record with trigger explicit', async () => {
    const c = await start(lang);
    expect(textOf(await say(c, ASK_FOR_AGENT[lang]!))).toContain(TEXT.opened[lang]);
    const conv = await statusOf(c);
    expect(conv).toMatchObject({ status: 'offloaded', language: lang });
    const detail = await call(s.url, 'GET', `/api/v1/agent/conversations/${c.id}`, { token: await adminToken() });
    expect(detail.body.conversation).toMatchObject({ skill: 'general', language: lang, handover: { trigger: 'explicit' } });
  });

  it('not understood: asks whether to talk to a person; "no" keeps the bot, "yes" offloads', async () => {
    const c = await start(lang);
    const [question] = await say(c, OFF_TOPIC[lang]);
    expect(question!.text).toContain(TEXT.notUnderstood[lang]);
    expect(question!.buttons).toHaveLength(2);
    await say(c, { postback: question!.buttons![1]!.payload });
    expect((await statusOf(c)).status).toBe('bot');
    const [again] = await say(c, OFF_TOPIC[lang]);
    expect(textOf(await say(c, { postback: again!.buttons![0]!.payload }))).toContain(TEXT.opened[lang]);
    expect((await statusOf(c)).status).toBe('offloaded');
    const detail = await call(s.url, 'GET', `/api/v1/agent/conversations/${c.id}`, { token: await adminToken() });
    expect(detail.body.conversation.handover.trigger).toBe('not_understood');
  });

  it('a flow the bot cannot finish: collects name, address and email (re-asking a bad email), then offloads with skill address_change', async () => {
    const c = await start(lang);
    await say(c, ADDRESS[lang]);
    await say(c, 'Jan Peeters');
    await say(c, 'Kerkstraat 1, 9000 Gent');
    await say(c, 'jan(at)example');
    expect((await statusOf(c)).status).toBe('bot'); // re-asked, not offloaded on a bad email
    expect(textOf(await say(c, 'jan@example.com'))).toContain(TEXT.opened[lang]);
    const detail = await call(s.url, 'GET', `/api/v1/agent/conversations/${c.id}`, { token: await adminToken() });
    expect(detail.body.conversation).toMatchObject({ status: 'offloaded', skill: 'address_change' });
    expect(detail.body.conversation.variables).toMatchObject({ email: 'jan@example.com' });
    expect(JSON.stringify(detail.body.conversation.variables)).toContain('Kerkstraat 1');
  });
});

describe.each(LANGS)('offloading states through the Channel API in %s', (lang) => {
  async function askFor(at: string) {
    clock.set(at);
    const c = await start(lang);
    const answer = textOf(await say(c, ASK_FOR_AGENT[lang]!));
    return { answer, status: (await statusOf(c)).status as string };
  }

  it('open during the weekly hours (Wednesday 10:00 in Brussels)', async () => {
    await businessHours();
    const r = await askFor('2026-11-25T09:00:00Z');
    expect(r.answer).toContain(TEXT.opened[lang]);
    expect(r.status).toBe('offloaded');
  });

  it('closed outside the hours (Wednesday 17:30, Saturday 10:00): the closed dialog, not offloaded, saying when it opens', async () => {
    await businessHours();
    for (const at of ['2026-11-25T16:30:00Z', '2026-11-28T09:00:00Z']) {
      const r = await askFor(at);
      expect(r.answer).toContain(TEXT.closed[lang]);
      expect(r.answer).toContain(NEXT_OPEN[at]![lang]);
      expect(r.answer).not.toContain(TEXT.opened[lang]);
      expect(r.status).toBe('bot');
    }
  });

  it('closed by a dated closure inside the weekly hours, whole day or part of it', async () => {
    await businessHours({ closures: [{ date: '2026-12-24', from: '12:00', to: '24:00', name: 'Christmas Eve' }, { date: '2026-12-25', name: 'Christmas' }] });
    expect((await askFor('2026-12-25T09:00:00Z')).answer).toContain(TEXT.closed[lang]);
    const eve = (await askFor('2026-12-24T12:30:00Z')).answer;
    expect(eve).toContain(TEXT.closed[lang]);
    // the closures and the weekend pass: back on Monday the 28th
    expect(eve).toContain(NEXT_OPEN['2026-11-28T09:00:00Z']![lang]);
    const morning = await askFor('2026-12-24T09:00:00Z'); // 10:00 local, before the partial closure
    expect(morning.answer).toContain(TEXT.opened[lang]);
  });

  it('disabled by the switch, even during the hours: the disabled dialog', async () => {
    await businessHours({ enabled: false });
    const blocked = async () => Number(/^baton_offload_blocked_total\{availability="disabled"\} (\d+)$/m.exec((await call(s.url, 'GET', '/metrics')).body)?.[1] ?? 0);
    const before = await blocked();
    const r = await askFor('2026-11-25T09:00:00Z');
    expect(r.answer).toContain(TEXT.disabled[lang]);
    expect(r.status).toBe('bot');
    // counted for /metrics once the turn has committed
    expect(await blocked()).toBe(before + 1);
  });

  it('follows the business time zone across DST: the same UTC instant is open in summer time and closed in winter time', async () => {
    // 07:30 UTC is 09:30 on Monday 30 March 2026 (CEST, UTC+2) but 08:30 on Monday 26 October 2026 (CET, UTC+1)
    await businessHours();
    expect((await askFor('2026-03-30T07:30:00Z')).answer).toContain(TEXT.opened[lang]);
    expect((await askFor('2026-10-26T07:30:00Z')).answer).toContain(TEXT.closed[lang]);
    // 16:30 UTC on the Friday before the spring change is 17:30 local (closed); a week later 18:30 local
    expect((await askFor('2026-03-27T16:30:00Z')).answer).toContain(TEXT.closed[lang]);
    expect((await askFor('2026-03-27T15:30:00Z')).answer).toContain(TEXT.opened[lang]);
  });
});

describe('settings that are refused keep what was there', () => {
  it('answers 422 with the path of each problem', async () => {
    await businessHours();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ openingHours: { monday: [{ from: '09:00', to: '12:00' }, { from: '11:00', to: '14:00' }] } }, 'openingHours.monday.1'],
      [{ openingHours: { tuesday: [{ from: '17:00', to: '09:00' }] } }, 'openingHours.tuesday.0'],
      [{ openingHours: { friday: [{ from: '25:00', to: '26:00' }] } }, 'openingHours.friday.0.from'],
      [{ closures: [{ date: '2026-02-30' }] }, 'closures.0.date'],
      [{ defaultProviderId: 'nope' }, 'defaultProviderId'],
    ];
    for (const [patch, path] of cases) {
      const r = await putSettings(patch);
      expect(r.status, JSON.stringify(patch)).toBe(422);
      expect(r.body.error.code).toBe('SETTINGS_INVALID');
      const paths = (r.body.error.details.problems as Array<{ path: string }>).map((p) => p.path);
      expect(paths.some((p) => p === path || p.startsWith(`${path}.`)), `${JSON.stringify(patch)} → ${paths.join(', ')}`).toBe(true);
    }
    const after = await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin });
    expect(after.body).toMatchObject({ timezone: 'Europe/Brussels', openingHours: WEEKDAY_HOURS, closures: [] });
  });
});

describe('bot uploads', () => {
  const yaml = (welcome: string) => `
id: demo
name: Small bot
defaultLanguage: en
languages: [en]
dialogs:
  welcome:
    steps:
      - message: { text: { en: "${welcome}" } }
${SYSTEM_DIALOGS}`;
  const put = (source: string, type = 'application/yaml') => call(s.url, 'PUT', '/api/v1/bots/demo', { token: admin, raw: source, headers: { 'content-type': type } });

  beforeAll(async () => {
    clock.set('2026-11-25T10:00:00Z');
    await adminToken();
  });

  it('validate and PUT answer 422 BOT_INVALID with each problem path, and the running bot stays', async () => {
    const before = await call(s.url, 'GET', '/api/v1/bots/demo', { token: admin });
    const broken = yaml('Hello').replace('- message: { text: { en: "Hello" } }', '- message: { text: 42 }');
    expect(broken).not.toBe(yaml('Hello'));
    for (const path of ['/api/v1/bots/validate', '/api/v1/bots/demo']) {
      const r = await call(s.url, path.endsWith('validate') ? 'POST' : 'PUT', path, { token: admin, raw: broken, headers: { 'content-type': 'application/yaml' } });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('BOT_INVALID');
      expect(r.body.error.details.problems.map((p: { path: string }) => p.path)).toContain('dialogs.welcome.steps.0.message.text');
    }
    const unknownGoto = await call(s.url, 'POST', '/api/v1/bots/validate', {
      token: admin,
      raw: yaml('Hi').replace('  not_understood:', '  extra:\n    steps:\n      - goto: nowhere\n  not_understood:'),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(unknownGoto.status).toBe(422);
    expect(JSON.stringify(unknownGoto.body.error.details.problems)).toContain('nowhere');
    const syntax = await put('dialogs: [unclosed');
    expect(syntax.status).toBe(422);
    const after = await call(s.url, 'GET', '/api/v1/bots/demo', { token: admin });
    expect(after.body.bot.version).toBe(before.body.bot.version);
    // and conversations still get the demo bot's welcome
    const c = await createConversation(s.url, { locale: 'en' });
    const welcome = await waitFor(async () => (await messages(s.url, c.conversation.id, c.token)).find((m) => m.author.type === 'bot'), 10_000, 'welcome');
    expect(welcome.text).toContain('Acme assistant');
  });

  it('a valid upload replaces the bot for new conversations (JSON too)', async () => {
    expect((await call(s.url, 'POST', '/api/v1/bots/validate', { token: admin, raw: yaml('Hello from v2'), headers: { 'content-type': 'application/yaml' } })).status).toBe(200);
    const r = await put(yaml('Hello from v2'));
    expect(r.status).toBe(200);
    const c = await createConversation(s.url, { locale: 'en' });
    const welcome = await waitFor(async () => (await messages(s.url, c.conversation.id, c.token)).find((m) => m.author.type === 'bot'), 10_000, 'welcome');
    expect(welcome.text).toBe('Hello from v2');
    // the same definition as JSON
    const json = (await import('yaml')).parse(yaml('Hello from JSON'));
    expect((await call(s.url, 'PUT', '/api/v1/bots/demo', { token: admin, body: json })).status).toBe(200);
    const c2 = await createConversation(s.url, { locale: 'en' });
    const w2 = await waitFor(async () => (await messages(s.url, c2.conversation.id, c2.token)).find((m) => m.author.type === 'bot'), 10_000, 'welcome');
    expect(w2.text).toBe('Hello from JSON');
  });
});
