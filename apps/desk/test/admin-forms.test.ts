import { ChannelBody, ChannelPatch, SECRET_MASK, WebhookChannelBody } from '@baton/proto';
import { describe, expect, it } from 'vitest';
import { generateSecret, problemsAt, SECRET_ALPHABET, unclaimedProblems } from '../src/admin-forms';
import { channelDeliveryTarget, channelInboundUrl, createBody, createTypedBody, draftOf, patchBody, patchTypedBody, suggestChannelId, typedDraftOf } from '../src/channels';
import { extraConfigKeys, GENESYS_REGIONS, mailboxRowProblem, mapToRows, newProvider, numberValue, PROVIDER_FIELDS, providerFieldKeys, providerWebhookUrl, rowsToMap } from '../src/providers';

describe('generated secrets', () => {
  it('are 32 letters and digits from crypto.getRandomValues, different each time', () => {
    const a = generateSecret();
    expect(a).toHaveLength(32);
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generateSecret()).not.toBe(a);
    expect(generateSecret(40)).toHaveLength(40);
    // long enough for the channel API (≥ 16) and within Help Scout's 40
    expect(WebhookChannelBody.shape.secret.safeParse(a).success).toBe(true);
  });
  it('throw away the bytes that would bias the alphabet', () => {
    expect(SECRET_ALPHABET).toHaveLength(62);
    // 248 = 4 × 62: bytes 248–255 are skipped, 0 and 62 both map to "A", 61 to "9"
    let call = 0;
    const fill = (b: Uint8Array) => {
      b.fill(call++ === 0 ? 255 : 0);
      b[0] = 62;
      b[1] = 61;
      b[2] = 248;
      return b;
    };
    expect(generateSecret(3, fill)).toBe('A9A');
  });
});

describe('422 problems at their fields', () => {
  const problems = [
    { path: 'url', message: 'Invalid URL' },
    { path: 'secret', message: 'use at least 16 characters' },
    { path: '', message: 'Unrecognized key: "colour"' },
    { path: 'providers.2.config.clientId', message: 'Required' },
    { path: 'providers.2.config.skillMailboxes.billing', message: 'Expected number' },
    { path: 'providers.2.skills.0', message: 'Too small' },
    { path: 'providers.2.skills.1', message: 'Too big' },
    { path: 'providers.12.name', message: 'Required' },
    { path: 'providers.2.config.oddKey', message: 'Unknown' },
  ];
  it('keys a flat form by its field', () => {
    const at = problemsAt(problems);
    expect(at.url).toBe('Invalid URL');
    expect(at.secret).toBe('use at least 16 characters');
    expect(at['']).toBeUndefined();
  });
  it('keys a provider by field, config settings by "config.<key>", and joins repeats', () => {
    const at = problemsAt(problems, 'providers.2', ['config']);
    expect(at).toEqual({ 'config.clientId': 'Required', 'config.skillMailboxes': 'Expected number', skills: 'Too small; Too big', 'config.oddKey': 'Unknown' });
    // "providers.12" is not "providers.1"
    expect(problemsAt(problems, 'providers.1', ['config'])).toEqual({});
  });
  it('leaves the rest for the general list', () => {
    expect(unclaimedProblems(problems.slice(0, 3), ['id', 'name', 'url', 'secret']).map((p) => p.path)).toEqual(['']);
    const keys = providerFieldKeys('help-scout', { clientId: '' });
    expect(unclaimedProblems(problems, keys, 'providers.2').map((p) => p.path)).toEqual(['url', 'secret', '', 'providers.12.name', 'providers.2.config.oddKey']);
  });
});

describe('channel form', () => {
  it('builds the absolute inbound URL from the origin', () => {
    expect(channelInboundUrl('https://baton.example.com', { id: 'sms', inboundUrl: '/api/v1/channels/sms/events' })).toBe('https://baton.example.com/api/v1/channels/sms/events');
    expect(channelInboundUrl('http://127.0.0.1:8080/', { id: 'a b' })).toBe('http://127.0.0.1:8080/api/v1/channels/a%20b/events');
    expect(channelDeliveryTarget('sms')).toBe('channel:sms');
  });
  it('a typed channel’s guided form creates {type, config} and edits keep masked secrets, clearing what was removed', () => {
    const d = { ...typedDraftOf('whatsapp'), id: 'wa', name: ' WhatsApp ', config: { phoneNumberId: '1065', accessToken: 'tok', appSecret: 'sec', verifyToken: 'ver', graphApiUrl: '' } };
    const create = createTypedBody(d);
    expect(create).toEqual({ id: 'wa', type: 'whatsapp', name: 'WhatsApp', enabled: true, config: { phoneNumberId: '1065', accessToken: 'tok', appSecret: 'sec', verifyToken: 'ver' } });
    expect(ChannelBody.safeParse(create).success).toBe(true);
    const view = { id: 'wa', type: 'whatsapp', name: 'WhatsApp', url: '', secret: SECRET_MASK, previousSecret: null, signatureScheme: 'baton', botId: null, enabled: true, inboundUrl: '/api/v1/channels/wa/whatsapp', createdAt: '2026-01-01T00:00:00.000Z', config: { phoneNumberId: '1065', accessToken: SECRET_MASK, appSecret: SECRET_MASK, verifyToken: SECRET_MASK, graphApiUrl: 'https://sim.example/v21.0' } } as const;
    const edit = typedDraftOf('whatsapp', view);
    const { graphApiUrl: _removed, ...rest } = edit.config;
    const patch = patchTypedBody({ ...edit, config: rest }, view);
    expect(patch.config).toEqual({ phoneNumberId: '1065', accessToken: SECRET_MASK, appSecret: SECRET_MASK, verifyToken: SECRET_MASK, graphApiUrl: null });
    expect(ChannelPatch.safeParse(patch).success).toBe(true);
  });
  it('suggests an id the server accepts', () => {
    expect(suggestChannelId('  SMS Gateway (Belgïum)! ')).toBe('sms-gateway-belgium');
    expect(WebhookChannelBody.shape.id.safeParse(suggestChannelId('WhatsApp / Twilio')).success).toBe(true);
  });
  it('creates with every field and edits without the secret unless it is rotated', () => {
    const d = { ...draftOf(), id: ' sms ', name: ' SMS ', url: 'https://x.example/hook', secret: 'abcdefghijklmnop' };
    const create = createBody(d);
    expect(create).toEqual({ id: 'sms', name: 'SMS', url: 'https://x.example/hook', secret: 'abcdefghijklmnop', signatureScheme: 'baton', enabled: true });
    expect(ChannelBody.safeParse(create).success).toBe(true);
    const view = { id: 'sms', type: 'webhook', name: 'SMS', url: 'https://x.example/hook', secret: SECRET_MASK, previousSecret: null, signatureScheme: 'standard-webhooks', botId: 'demo', enabled: false, inboundUrl: '/api/v1/channels/sms/events', createdAt: '2026-01-01T00:00:00.000Z' } as const;
    const edit = draftOf(view);
    expect(edit.secret).toBe('');
    const keep = patchBody(edit, false);
    expect(keep).toEqual({ name: 'SMS', url: 'https://x.example/hook', signatureScheme: 'standard-webhooks', botId: 'demo', enabled: false });
    expect('secret' in keep).toBe(false);
    expect(ChannelPatch.safeParse(keep).success).toBe(true);
    const rotated = patchBody({ ...edit, botId: '', secret: 'new-secret-0123456789' }, true);
    expect(rotated).toMatchObject({ botId: null, secret: 'new-secret-0123456789', keepPreviousSecret: true });
    expect(ChannelPatch.safeParse(rotated).success).toBe(true);
    // a rotation without keeping the old secret; ending a rotation
    expect(patchBody({ ...edit, secret: 'new-secret-0123456789', keepPrevious: false }, true)).toMatchObject({ keepPreviousSecret: false });
    expect(patchBody({ ...edit, dropPrevious: true }, false)).toMatchObject({ previousSecret: null });
  });
});

describe('provider editor', () => {
  it('shows each external provider the webhook URL for its side', () => {
    const o = 'https://baton.example.com';
    expect(providerWebhookUrl(o, { id: 'gc', type: 'genesys-cloud' })).toBe('https://baton.example.com/api/v1/providers/genesys-cloud/gc/webhook');
    expect(providerWebhookUrl(`${o}/`, { id: 'hs', type: 'help-scout' })).toBe('https://baton.example.com/api/v1/providers/help-scout/hs/webhook');
    expect(providerWebhookUrl(o, { id: 'acme', type: 'webhook' })).toBe('https://baton.example.com/api/v1/providers/webhook/acme/events');
    expect(providerWebhookUrl(o, { id: 'gbc', type: 'genesys-bot-connector' })).toBe('https://baton.example.com/api/v1/providers/genesys-bot-connector/gbc/botconnector');
    expect(providerWebhookUrl(o, { id: 'desk', type: 'desk' })).toBeUndefined();
  });
  it('has typed fields for Genesys Cloud and Help Scout, secrets marked', () => {
    const gc = PROVIDER_FIELDS['genesys-cloud'];
    expect(gc.map((f) => f.key).sort()).toEqual(['baseUrl', 'clientId', 'clientSecret', 'handbackDialog', 'integrationId', 'loginUrl', 'mirrorBotMessages', 'onAgentEnd', 'pollSeconds', 'previousWebhookSecret', 'region', 'webhookSecret']);
    expect(gc.find((f) => f.key === 'region')?.options?.map((o) => o.value)).toEqual([...GENESYS_REGIONS]);
    expect(new Set(GENESYS_REGIONS).size).toBe(15);
    const hs = PROVIDER_FIELDS['help-scout'];
    expect(hs.map((f) => f.key).sort()).toEqual(['assignTo', 'baseUrl', 'clientId', 'clientSecret', 'mailboxId', 'onClose', 'previousWebhookSecret', 'skillMailboxes', 'webhookSecret']);
    for (const f of [...gc, ...hs]) expect(f.kind === 'secret').toBe(/secret/i.test(f.key));
    expect(hs.find((f) => f.key === 'webhookSecret')?.maxLength).toBe(40);
    expect(gc.filter((f) => f.advanced).map((f) => f.key)).toEqual(['previousWebhookSecret', 'baseUrl', 'loginUrl']);
  });
  it('has typed fields for the Genesys bot connector, secrets marked', () => {
    const bc = PROVIDER_FIELDS['genesys-bot-connector'];
    expect(bc.map((f) => f.key).sort()).toEqual(['answerWithinMs', 'baseUrl', 'clientId', 'clientSecret', 'connectionSecret', 'credentialName', 'languageCodes', 'loginUrl', 'previousConnectionSecret', 'region', 'richMessages', 'timeoutMs']);
    for (const f of bc) expect(f.kind === 'secret').toBe(/secret/i.test(f.key));
    expect(newProvider('genesys-bot-connector', 1)).toMatchObject({ id: 'genesys-bot-connector', config: { region: 'mypurecloud.com', connectionSecret: '' } });
  });
  it('keeps settings the typed fields do not know', () => {
    expect(extraConfigKeys('webhook', { url: 'x', secret: SECRET_MASK, headers: {} })).toEqual(['headers']);
    expect(newProvider('genesys-cloud', 2)).toMatchObject({ id: 'genesys-cloud2', type: 'genesys-cloud', config: { region: 'mypurecloud.com' } });
    expect(newProvider('desk', 1).config).toBeUndefined();
  });
  it('turns Help Scout skill → mailbox rows into the map and back', () => {
    const rows = mapToRows({ billing: 123, sales: 456 });
    expect(rows).toEqual([
      { skill: 'billing', mailbox: '123' },
      { skill: 'sales', mailbox: '456' },
    ]);
    expect(rowsToMap(rows)).toEqual({ billing: 123, sales: 456 });
    expect(mapToRows(undefined)).toEqual([]);
    expect(mapToRows([1, 2])).toEqual([]);
  });
  it('leaves unfinished, invalid and duplicate rows out, saying why', () => {
    const rows = [
      { skill: ' billing ', mailbox: ' 1 ' },
      { skill: '', mailbox: '' },
      { skill: 'sales', mailbox: '' },
      { skill: 'vip', mailbox: '12a' },
      { skill: 'billing', mailbox: '2' },
      { skill: '', mailbox: '3' },
    ];
    expect(rowsToMap(rows)).toEqual({ billing: 1 });
    expect(rows.map((_, i) => mailboxRowProblem(rows, i))).toEqual([undefined, undefined, 'enter a mailbox id', 'a mailbox id is a whole number', '“billing” is already mapped', 'name a skill']);
  });
  it('sends number fields as numbers and empty ones not at all', () => {
    expect(numberValue(' 42 ')).toBe(42);
    expect(numberValue('')).toBeUndefined();
    expect(numberValue('abc')).toBe('abc');
  });
});
