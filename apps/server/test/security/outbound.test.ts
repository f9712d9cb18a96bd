// Outbound calls (docs/security.md, findings 3.30–3.35): every URL Baton calls — providers, channels, bot
// webhook steps — is refused when it targets loopback, private, link-local, unique-local or a
// non-http(s) scheme: on save (422 URL_NOT_ALLOWED with the path) and again after DNS on every call.
// Redirects are not followed, answers are bounded, and a user's answer inserted into a webhook URL
// stays inside its path segment. These servers run WITHOUT OUTBOUND_ALLOW_PRIVATE.
import dns from 'node:dns/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundPolicy, refusedAddress, refusedUrl } from '../../src/outbound/address-policy.js';
import { multipartBody, OutboundClient } from '../../src/outbound/client.js';
import { signBody } from '../../src/providers/signing.js';
import { call, createConversation, login, messages } from '../support/http.js';
import { postgresAvailable } from '../support/postgres.js';
import { startReceiver } from '../support/receiver.js';
import { startTestServer, waitFor, type TestServer, startOnStore } from '../support/server.js';

const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);
const CHANNEL_SECRET = 'outbound-channel-secret-0123456789';

/** A loopback listener that records every request and answers with `answer`. */
async function listener(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const hits: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
  const server = http.createServer((req, res) => {
    hits.push({ url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { port, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const SYSTEM = {
  not_understood: { steps: [{ message: { text: '?' } }] },
  offloading_disabled: { steps: [{ message: { text: 'off' } }] },
  offloading_closed: { steps: [{ message: { text: 'closed' } }] },
  offloading_opened: { steps: [{ message: { text: 'wait' } }] },
};
const webhookBot = (url: string) => ({
  name: 'Orders',
  defaultLanguage: 'en',
  languages: ['en'],
  dialogs: {
    ...SYSTEM,
    welcome: {
      steps: [
        { question: { variable: 'order_id', prompt: 'Your order number?' } },
        { webhook: { url, method: 'GET', timeoutMs: 3000, assign: { info: 'data' } } },
        { message: { text: 'Order info: {{info}}' } },
      ],
    },
  },
});

// the attacker's list (3.30–3.32) and the odd spellings of loopback the WHATWG parser normalises
const REFUSED_TARGETS = [
  'http://169.254.169.254/latest/meta-data/',
  'http://127.0.0.1:6379/',
  'http://[::1]/',
  'http://0x7f000001/',
  'http://2130706433/',
  'http://127.1/',
  'http://0177.0.0.1/',
  'http://[::ffff:127.0.0.1]/',
  'http://[fd00::1]/',
  'http://[fe80::1]/',
  'http://localhost:5432/',
  'http://LOCALHOST./',
  'http://admin.localhost/',
  'http://10.1.2.3/',
  'http://172.16.0.1/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://0.0.0.0/',
  'http://[::]/',
  'http://224.0.0.1/',
  'http://[64:ff9b::7f00:1]/',
];

describe('the address policy', () => {
  const strict = outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: false, OUTBOUND_ALLOWED_HOSTS: '' });

  it('refuses internal targets and non-http(s) schemes, and lets public ones through', () => {
    for (const u of REFUSED_TARGETS) expect(refusedUrl(u, strict), u).toBeDefined();
    for (const u of ['file:///etc/passwd', 'gopher://127.0.0.1:6379/_INFO', 'ftp://example.com/', 'data:text/plain,x', 'javascript:alert(1)']) expect(refusedUrl(u, strict), u).toMatch(/http and https only/);
    for (const u of ['https://api.example.com/orders', 'http://93.184.215.14/', 'http://[2606:4700::1111]/']) expect(refusedUrl(u, strict), u).toBeUndefined();
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '169.254.169.254', 'fd12::1', '2002:7f00:1::1']) expect(refusedAddress(a, strict), a).toBeDefined();
  });

  it('OUTBOUND_ALLOW_PRIVATE lifts the address rule but not the scheme rule; OUTBOUND_ALLOWED_HOSTS allows just what it names', () => {
    const open = outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: true, OUTBOUND_ALLOWED_HOSTS: '' });
    expect(refusedUrl('http://127.0.0.1:6379/', open)).toBeUndefined();
    expect(refusedUrl('file:///etc/passwd', open)).toBeDefined();
    const some = outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: false, OUTBOUND_ALLOWED_HOSTS: 'crm.internal, 10.1.0.0/16,127.0.0.1' });
    expect(refusedUrl('http://10.1.200.3/', some)).toBeUndefined();
    expect(refusedUrl('http://10.2.0.1/', some)).toBeDefined();
    expect(refusedUrl('http://127.0.0.1:8080/', some)).toBeUndefined();
    expect(refusedUrl('http://127.0.0.2:8080/', some)).toBeDefined();
    expect(refusedAddress('::ffff:127.0.0.1', some)).toBeUndefined();
    expect(refusedUrl('http://CRM.internal/', some)).toBeUndefined();
    expect(() => outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: false, OUTBOUND_ALLOWED_HOSTS: '10.0.0.0/99' })).toThrow(/OUTBOUND_ALLOWED_HOSTS/);
    expect(() => outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: false, OUTBOUND_ALLOWED_HOSTS: 'http://x/' })).toThrow(/OUTBOUND_ALLOWED_HOSTS/);
  });
});

describe('the client', () => {
  it('a socket pooled under one policy is never reused under a stricter one', async () => {
    const rx = await listener((_req, res) => res.end('ok'));
    try {
      const name = os.hostname();
      const resolved = await dns.lookup(name, { all: true }).catch(() => []);
      if (!resolved.length || !resolved.every((a) => a.address === '127.0.0.1')) return void console.warn(`${name} does not resolve to 127.0.0.1 only: skipped`);
      const open = outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: true, OUTBOUND_ALLOWED_HOSTS: '' });
      const strict = outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: false, OUTBOUND_ALLOWED_HOSTS: '' });
      expect((await new OutboundClient(open).fetch(`http://${name}:${rx.port}/`)).text).toBe('ok');
      await expect(new OutboundClient(strict).fetch(`http://${name}:${rx.port}/`)).rejects.toThrow(`refused: ${name} resolves to 127.0.0.1`);
      expect(rx.hits).toHaveLength(1);
    } finally {
      await rx.close();
    }
  });
});

describe('the client’s pooled connections', () => {
  // a server that answers the first request of a connection with keep-alive and drops the connection
  // when a second one arrives on it: what a server's idle timeout does to a reused socket, made certain
  async function droppingServer() {
    const state = { connections: 0, answered: 0 };
    const server = net.createServer((socket) => {
      state.connections++;
      let requests = 0;
      socket.on('data', (chunk) => {
        if (!chunk.includes('\r\n\r\n')) return;
        if (++requests > 1) return void socket.resetAndDestroy();
        state.answered++;
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return { port: (server.address() as net.AddressInfo).port, state, close: () => new Promise<void>((r) => server.close(() => r())) };
  }
  const open = outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: true, OUTBOUND_ALLOWED_HOSTS: '' });

  it('a GET on a kept-alive socket the server dropped goes again on a new connection (once)', async () => {
    const srv = await droppingServer();
    const client = new OutboundClient(open);
    try {
      expect((await client.fetch(`http://127.0.0.1:${srv.port}/a`)).text).toBe('ok');
      expect((await client.fetch(`http://127.0.0.1:${srv.port}/b`)).text).toBe('ok');
      expect(srv.state).toEqual({ connections: 2, answered: 2 });
    } finally {
      client.close();
      await srv.close();
    }
  });

  it('a POST on such a socket is not sent twice by the client: it fails, and its caller (the outbox) retries', async () => {
    const srv = await droppingServer();
    const client = new OutboundClient(open);
    try {
      await client.fetch(`http://127.0.0.1:${srv.port}/a`);
      await expect(client.fetch(`http://127.0.0.1:${srv.port}/b`, { method: 'POST', body: '{}' })).rejects.toMatchObject({ kind: 'network' });
      expect(srv.state).toEqual({ connections: 1, answered: 1 });
    } finally {
      client.close();
      await srv.close();
    }
  });
});

describe('the client in bytes mode (channel media) and with byte bodies (uploads)', () => {
  const open = outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: true, OUTBOUND_ALLOWED_HOSTS: '' });
  const strict = outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: false, OUTBOUND_ALLOWED_HOSTS: '' });
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x80, 0xc3]), Buffer.alloc(3000, 7)]);

  it('keeps the answer as bytes with its content type, bounded by maxBytes, and never follows a redirect', async () => {
    const rx = await listener((req, res) => {
      if (req.url === '/big') return res.end(Buffer.alloc(5000, 1));
      if (req.url === '/moved') return res.writeHead(302, { Location: 'http://169.254.169.254/' }).end();
      res.writeHead(200, { 'Content-Type': 'image/jpeg; charset=binary' }).end(jpeg);
    });
    try {
      const c = new OutboundClient(open);
      const r = await c.fetchBytes(`http://127.0.0.1:${rx.port}/photo`, { maxBytes: 4096 });
      expect(r.status).toBe(200);
      expect(r.contentType).toBe('image/jpeg');
      expect(Buffer.compare(r.bytes, jpeg)).toBe(0);
      await expect(c.fetchBytes(`http://127.0.0.1:${rx.port}/big`, { maxBytes: 4096 })).rejects.toMatchObject({ kind: 'too_large' });
      expect((await c.fetchBytes(`http://127.0.0.1:${rx.port}/moved`, { maxBytes: 4096 })).status).toBe(302);
      await expect(new OutboundClient(strict).fetchBytes(`http://127.0.0.1:${rx.port}/photo`, { maxBytes: 4096 })).rejects.toMatchObject({ kind: 'refused' });
      // the redirect's target was never called
      expect(rx.hits.map((h) => h.url)).toEqual(['/photo', '/big', '/moved']);
    } finally {
      await rx.close();
    }
  });

  it('sends bytes as they are, and a multipart/form-data body a server can parse', async () => {
    const got: Array<{ type: string; body: Buffer }> = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ type: String(req.headers['content-type']), body: Buffer.concat(chunks) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const c = new OutboundClient(open);
      await c.fetch(`http://127.0.0.1:${port}/raw`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: jpeg });
      expect(Buffer.compare(got[0]!.body, jpeg)).toBe(0);
      const form = multipartBody({ chat_id: '42', caption: 'the meter' }, [{ field: 'photo', name: 'meter "1".jpg', contentType: 'image/jpeg', bytes: jpeg }]);
      await c.fetch(`http://127.0.0.1:${port}/form`, { method: 'POST', headers: { 'Content-Type': form.contentType }, body: form.body });
      // parsed back by the platform's own FormData parser
      const parsed = await new Response(new Uint8Array(got[1]!.body), { headers: { 'content-type': got[1]!.type } }).formData();
      expect(parsed.get('chat_id')).toBe('42');
      expect(parsed.get('caption')).toBe('the meter');
      const file = parsed.get('photo') as File;
      expect(file.name).toBe('meter _1_.jpg');
      expect(file.type).toBe('image/jpeg');
      expect(Buffer.compare(Buffer.from(await file.arrayBuffer()), jpeg)).toBe(0);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe.each(STORES)('outbound targets on save, on %s (no OUTBOUND_ALLOW_PRIVATE)', (store) => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startOnStore(store, { env: { OUTBOUND_ALLOW_PRIVATE: 'false' } });
    admin = await login(s.url);
  });
  afterAll(async () => {
    await s?.close();
  });

  const settingsWith = async (provider: Record<string, unknown>) => {
    const current = (await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin })).body;
    return call(s.url, 'PUT', '/api/v1/settings/offloading', { token: admin, body: { ...current, providers: [...current.providers.filter((p: { type: string }) => p.type === 'desk'), provider] } });
  };

  it('provider URLs (webhook url, Genesys and Help Scout base URLs): 422 URL_NOT_ALLOWED with the path', async () => {
    const at = (await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin })).body.providers.filter((p: { type: string }) => p.type === 'desk').length;
    for (const url of [...REFUSED_TARGETS, 'file:///etc/passwd', 'gopher://127.0.0.1:6379/_INFO']) {
      const r = await settingsWith({ id: 'acme', type: 'webhook', name: 'Acme', config: { url, secret: 'acme-webhook-secret-0123456789' } });
      expect(r.status, url).toBe(422);
      expect(r.body.error.code).toBe('URL_NOT_ALLOWED');
      expect(r.body.error.details.path).toBe(`providers.${at}.config.url`);
    }
    const genesys = await settingsWith({
      id: 'gc', type: 'genesys-cloud', name: 'Genesys',
      config: { baseUrl: 'https://api.mypurecloud.ie', loginUrl: 'http://169.254.169.254/', clientId: 'c', clientSecret: 's', integrationId: 'i', webhookSecret: 'genesys-webhook-secret-0123' },
    });
    expect(genesys.status).toBe(422);
    expect(genesys.body.error).toMatchObject({ code: 'URL_NOT_ALLOWED', details: { path: `providers.${at}.config.loginUrl` } });
    const helpScout = await settingsWith({ id: 'hs', type: 'help-scout', name: 'Help Scout', config: { baseUrl: 'http://[fd00::1]:8080', clientId: 'c', clientSecret: 's', mailboxId: 1, webhookSecret: 'hs-secret-1234' } });
    expect(helpScout.status).toBe(422);
    expect(helpScout.body.error).toMatchObject({ code: 'URL_NOT_ALLOWED', details: { path: `providers.${at}.config.baseUrl` } });
    // a public host name is fine (what it resolves to is checked on every call)
    const ok = await settingsWith({ id: 'acme', type: 'webhook', name: 'Acme', config: { url: 'https://hooks.example.com/baton', secret: 'acme-webhook-secret-0123456789' } });
    expect(ok.status).toBe(200);
  });

  it('channel URLs on POST and PATCH', async () => {
    for (const url of ['http://169.254.169.254/', 'http://127.0.0.1:22/', 'http://[::1]/', 'http://localhost/', 'file:///etc/passwd', 'gopher://127.0.0.1:6379/_INFO']) {
      const r = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'sms', name: 'SMS', url, secret: CHANNEL_SECRET } });
      expect(r.status, url).toBe(422);
      expect(r.body.error).toMatchObject({ code: 'URL_NOT_ALLOWED', details: { path: 'url' } });
    }
    expect((await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'sms', name: 'SMS', url: 'https://sms.example.com/baton', secret: CHANNEL_SECRET } })).status).toBe(201);
    const patched = await call(s.url, 'PATCH', '/api/v1/channels/sms', { token: admin, body: { url: 'http://0x7f000001:6379/' } });
    expect(patched.status).toBe(422);
    expect(patched.body.error).toMatchObject({ code: 'URL_NOT_ALLOWED', details: { path: 'url' } });
    const row = await s.baton.deps.store.db.selectFrom('channels').select('url').where('id', '=', 'sms').executeTakeFirstOrThrow();
    expect(row.url).toBe('https://sms.example.com/baton');
    await call(s.url, 'DELETE', '/api/v1/channels/sms', { token: admin });
  });

  it('bot webhook step URLs on validate and PUT, including file: and gopher: and templated hosts', async () => {
    const path = 'dialogs.welcome.steps.1.webhook.url';
    for (const url of [...REFUSED_TARGETS, 'file:///etc/passwd', 'gopher://127.0.0.1:6379/_INFO', '{{base}}/orders', 'https://{{host}}/orders', 'http://api.example.com{{port}}/x', 'http://{{user}}@api.example.com/x']) {
      const v = await call(s.url, 'POST', '/api/v1/bots/validate', { token: admin, body: webhookBot(url) });
      expect(v.status, url).toBe(422);
      expect(v.body.error.code, url).toBe('URL_NOT_ALLOWED');
      expect(v.body.error.details.path).toBe(path);
    }
    const put = await call(s.url, 'PUT', '/api/v1/bots/ssrf', { token: admin, body: webhookBot('http://169.254.169.254/latest/{{order_id}}') });
    expect(put.status).toBe(422);
    expect(put.body.error).toMatchObject({ code: 'URL_NOT_ALLOWED', details: { path } });
    expect((await call(s.url, 'GET', '/api/v1/bots/ssrf', { token: admin })).status).toBe(404);
    // a template after the host is checked on its host part
    expect((await call(s.url, 'POST', '/api/v1/bots/validate', { token: admin, body: webhookBot('https://api.example.com/orders/{{order_id}}?q={{order_id}}') })).status).toBe(200);
  });

  it('a target saved before this check, or a name that resolves to loopback, is refused when called', async () => {
    const rx = await startReceiver(CHANNEL_SECRET);
    try {
      // as a channel stored by an older version would be: straight into the table
      const now = Date.now();
      await s.baton.deps.store.write.run((tx) =>
        tx.insertInto('channels').values({ id: 'legacy', name: 'Legacy', url: rx.url, secret: CHANNEL_SECRET, previous_secret: null, bot_id: 'demo', enabled: 1, created_at: now, updated_at: now }).execute(),
      );
      // a host name passes the save check; what it resolves to does not pass the connect check
      const name = os.hostname();
      const resolved = await dns.lookup(name, { all: true }).catch(() => []);
      const strict = outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: false, OUTBOUND_ALLOWED_HOSTS: '' });
      const internalName = resolved.length > 0 && resolved.every((a) => refusedAddress(a.address, strict)) && resolved.some((a) => a.address === '127.0.0.1');
      if (internalName) {
        const r = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'named', name: 'Named', url: rx.url.replace('127.0.0.1', name), secret: CHANNEL_SECRET, botId: 'demo', enabled: true } });
        expect(r.status).toBe(201);
      } else console.warn(`${name} does not resolve to 127.0.0.1 here: only the stored-before case is checked`);

      const inbound = (channel: string, id: string) => {
        const raw = JSON.stringify({ id, type: 'message', user: { id: `u-${id}` }, locale: 'en', text: 'hello' });
        return call(s.url, 'POST', `/api/v1/channels/${channel}/events`, { raw, headers: { 'x-baton-signature': signBody(CHANNEL_SECRET, raw, Math.floor(Date.now() / 1000)) } });
      };
      expect((await inbound('legacy', 'e1')).status).toBe(201);
      if (internalName) expect((await inbound('named', 'e2')).status).toBe(201);
      const wanted = internalName ? ['channel:legacy', 'channel:named'] : ['channel:legacy'];
      const dead = await waitFor(async () => {
        const rows = await s.baton.deps.store.db.selectFrom('outbox').select(['provider_id', 'status', 'last_error']).where('status', '=', 'dead').execute();
        return wanted.every((w) => rows.some((r) => r.provider_id === w)) ? rows : undefined;
      }, 15_000, 'refused deliveries');
      for (const r of dead.filter((d) => d.provider_id.startsWith('channel:'))) expect(r.last_error).toMatch(/refused: .*127\.0\.0\.1.*loopback/);
      if (internalName) expect(dead.find((d) => d.provider_id === 'channel:named')!.last_error).toContain(`${name} resolves to 127.0.0.1`);
      expect(rx.received).toHaveLength(0);
    } finally {
      await rx.close();
    }
  });
});

describe('the bot webhook step at call time (OUTBOUND_ALLOWED_HOSTS=127.0.0.1)', () => {
  let s: TestServer;
  let admin: string;
  let api: Awaited<ReturnType<typeof listener>>;
  let internal: Awaited<ReturnType<typeof listener>>;
  beforeAll(async () => {
    internal = await listener((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":"INTERNAL-ONLY-DATA"}'));
    api = await listener((req, res) => {
      if (req.url!.endsWith('/redirect')) return void res.writeHead(302, { location: `http://127.0.0.1:${internal.port}/admin/secret` }).end();
      if (req.url!.endsWith('/big')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: 'x'.repeat(2 * 1024 * 1024) }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: `order at ${req.url}` }));
    });
    s = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'false', OUTBOUND_ALLOWED_HOSTS: '127.0.0.1' } });
    admin = await login(s.url);
    const put = await call(s.url, 'PUT', '/api/v1/bots/orders', { token: admin, body: webhookBot(`http://127.0.0.1:${api.port}/api/orders/{{order_id}}`) });
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await s?.close();
    await api?.close();
    await internal?.close();
  });

  /** A new conversation with the orders bot: the user answers `answer`; the bot's reply after it. */
  async function ask(answer: string): Promise<string> {
    const c = await createConversation(s.url, { botId: 'orders', locale: 'en' });
    await waitFor(async () => (await messages(s.url, c.conversation.id, c.token)).some((m) => m.text === 'Your order number?'), 10_000, 'the question');
    const sent = await call(s.url, 'POST', `/api/v1/conversations/${c.conversation.id}/messages`, { token: c.token, body: { text: answer } });
    expect(sent.status).toBe(201);
    const reply = await waitFor(async () => (await messages(s.url, c.conversation.id, c.token)).filter((m) => m.author.type === 'bot').at(-1)?.text?.replace(/^Your order number\?$/, '') || undefined, 10_000, 'the reply');
    return reply;
  }

  it('the allow-list lets 127.0.0.1 through, and only it', async () => {
    expect(await ask('A-1')).toBe('Order info: order at /api/orders/A-1');
    const other = await call(s.url, 'POST', '/api/v1/bots/validate', { token: admin, body: webhookBot(`http://127.0.0.2:${api.port}/x`) });
    expect(other.body.error?.code).toBe('URL_NOT_ALLOWED');
  });

  it('an answer inserted into the URL stays inside its path segment (finding 3.33)', async () => {
    const before = api.hits.length;
    const reply = await ask('../../admin/secret?key=1#');
    const got = api.hits.slice(before).map((h) => h.url);
    expect(got).toEqual(['/api/orders/..%2F..%2Fadmin%2Fsecret%3Fkey%3D1%23']);
    expect(reply).toBe('Order info: order at /api/orders/..%2F..%2Fadmin%2Fsecret%3Fkey%3D1%23');
    // a bare dot segment cannot be encoded away: no call at all
    const dots = await ask('..');
    expect(api.hits.length).toBe(before + 1);
    expect(dots).toMatch(/can't reach that service/);
  });

  it('a redirect is not followed and the internal answer never reaches the user (finding 3.34–3.35)', async () => {
    const reply = await ask('redirect');
    expect(api.hits.at(-1)!.url).toBe('/api/orders/redirect');
    expect(internal.hits).toHaveLength(0);
    expect(reply).not.toContain('INTERNAL-ONLY-DATA');
    expect(reply).toMatch(/can't reach that service/);
  });

  it('an answer larger than 1 MB fails the call instead of being read into memory', async () => {
    const reply = await ask('big');
    expect(api.hits.at(-1)!.url).toBe('/api/orders/big');
    expect(reply).toMatch(/can't reach that service/);
  });
});
