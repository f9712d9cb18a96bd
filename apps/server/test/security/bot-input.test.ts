// Bot definitions are admin input, but they must not freeze the server or leak secrets
// (docs/security.md, findings 2.10/2.13, 2.11, 6.5–6.6): deep JSON is a 422, a huge YAML is read off the event
// loop with limits (/healthz stays fast meanwhile), and webhook header values are encrypted at rest,
// masked when shown, and kept when the mask is sent back.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createConversation, login, messages, yamlBody } from '../support/http.js';
import { postgresAvailable } from '../support/postgres.js';
import { startTestServer, waitFor, type TestServer, startOnStore } from '../support/server.js';

const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);

const yaml = yamlBody;

describe('hostile bot sources', () => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startTestServer();
    admin = await login(s.url);
  });
  afterAll(async () => s?.close());

  it('50,000-deep JSON is a 422 BOT_INVALID, not a 500 (finding 2.11)', async () => {
    const deep = '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000);
    for (const type of ['application/json', 'text/plain']) {
      for (const route of [['POST', '/api/v1/bots/validate'], ['PUT', '/api/v1/bots/deep']] as const) {
        const r = await call(s.url, route[0], route[1], { token: admin, raw: deep, headers: { 'content-type': type } });
        expect(r.status, `${type} ${route[1]}`).toBe(422);
        expect(r.body.error.code).toBe('BOT_INVALID');
        expect(JSON.stringify(r.body.error.details.problems)).toMatch(/nested deeper than 64 levels/);
      }
    }
    // a nested webhook body within the limit is still fine to validate (shape problems, not depth)
    const shallow = await call(s.url, 'POST', '/api/v1/bots/validate', { token: admin, body: { name: 'x', a: { b: { c: 1 } } } });
    expect(shallow.body.error.details.problems.some((p: { message: string }) => /nested/.test(p.message))).toBe(false);
  });

  it('60,000 flat YAML keys (818 KB): a quick 422 while /healthz keeps answering (finding 2.10/2.13)', async () => {
    let source = '';
    for (let i = 0; i < 60_000; i++) source += `k${i}: ${i}\n`;
    expect(source.length).toBeGreaterThan(800_000);
    // the reading thread is started by a first, small definition (as on any server that has saved a bot)
    expect((await call(s.url, 'POST', '/api/v1/bots/validate', { token: admin, ...yaml('name: warm\n') })).status).toBe(422);
    for (const [method, route] of [['POST', '/api/v1/bots/validate'], ['PUT', '/api/v1/bots/flat']] as const) {
      const worst: number[] = [];
      let done = false;
      const probe = (async () => {
        while (!done) {
          const t = performance.now();
          const h = await call(s.url, 'GET', '/healthz');
          expect(h.status).toBe(200);
          worst.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const started = performance.now();
      const r = await call(s.url, method, route, { token: admin, ...yaml(source) });
      const took = performance.now() - started;
      done = true;
      await probe;
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('BOT_INVALID');
      expect(JSON.stringify(r.body.error.details.problems)).toMatch(/more than 100000 values/);
      expect(took).toBeLessThan(6_000);
      expect(worst.length).toBeGreaterThan(3);
      expect(Math.max(...worst), `healthz latencies ${worst.map((w) => w.toFixed(0)).join(',')} ms while the request took ${took.toFixed(0)} ms`).toBeLessThan(200);
    }
  });

  it('many keys under the limit are read without the quadratic duplicate check; duplicates are still refused', async () => {
    let many = 'name: many\ndefaultLanguage: en\nlanguages: [en]\nintents:\n';
    for (let i = 0; i < 10_000; i++) many += `  i${i}: {dialog: welcome, phrases: {en: [p${i}]}}\n`;
    const t = performance.now();
    const r = await call(s.url, 'POST', '/api/v1/bots/validate', { token: admin, ...yaml(many) });
    expect(r.status).toBe(422); // no dialogs: refused by the schema, after reading 10,000 intents
    expect(r.body.error.details.problems.map((p: { path: string }) => p.path)).toContain('dialogs');
    expect(performance.now() - t).toBeLessThan(5_000);
    const dup = await call(s.url, 'POST', '/api/v1/bots/validate', { token: admin, ...yaml('name: a\nname: b\n') });
    expect(dup.status).toBe(422);
    expect(dup.body.error.details.problems).toEqual([{ path: 'name', message: 'duplicate key "name"' }]);
  });

  it('YAML bombs stay refused', async () => {
    const laughs = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n`;
    const deepFlow = '['.repeat(50_000) + ']'.repeat(50_000);
    const deepBlock = Array.from({ length: 900 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    for (const src of [laughs, deepFlow, deepBlock]) {
      const r = await call(s.url, 'POST', '/api/v1/bots/validate', { token: admin, ...yaml(src) });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('BOT_INVALID');
    }
    expect((await call(s.url, 'GET', '/healthz')).status).toBe(200);
  });
});

describe.each(STORES)('webhook header secrets on %s (finding 6.5–6.6)', (store) => {
  const TOKEN = 'Bearer s3cr3t-webhook-token-6f1e2d';
  const API_KEY = 'k3y-0a9b8c7d6e5f';
  let s: TestServer;
  let admin: string;
  let supervisor: string;
  let server: http.Server;
  const seen: Array<{ authorization?: string; key?: string }> = [];
  let bot: string;

  beforeAll(async () => {
    s = await startOnStore(store);
    admin = await login(s.url);
    server = http.createServer((req, res) => {
      seen.push({ authorization: req.headers.authorization, key: req.headers['x-api-key'] as string | undefined });
      const ok = req.headers.authorization === TOKEN && req.headers['x-api-key'] === API_KEY;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { order: { status: 'shipped' } } : { error: 'unauthorized' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    bot = `# Orders bot: looks an order up in the shop's API
name: Orders
defaultLanguage: en
languages: [en]
dialogs:
  welcome:
    steps:
      - webhook:
          url: http://127.0.0.1:${port}/orders/A-1
          method: GET
          headers:
            authorization: ${TOKEN} # the shop's API token
            X-Api-Key: "${API_KEY}"
            accept: application/json
          assign: { status: order.status }
      - message: { text: "Your order is {{status}}" }
  lookup_failed:
    steps: [{ message: { text: 'lookup failed' } }]
  not_understood: { steps: [{ message: { text: '?' } }] }
  offloading_disabled: { steps: [{ message: { text: 'off' } }] }
  offloading_closed: { steps: [{ message: { text: 'closed' } }] }
  offloading_opened: { steps: [{ message: { text: 'wait' } }] }
`;
    const r = await call(s.url, 'POST', '/api/v1/agents', { token: admin, body: { email: 'sup@example.com', password: 'sup-password', name: 'Sup', role: 'supervisor' } });
    expect(r.status).toBe(201);
    supervisor = await login(s.url, 'sup@example.com', 'sup-password');
  });
  afterAll(async () => {
    await s?.close();
    server?.close();
  });

  async function storedSources(): Promise<string> {
    const rows = await s.baton.deps.store.db.selectFrom('bots').select('source').execute();
    return rows.map((r) => r.source).join('\n');
  }

  async function reply(): Promise<string> {
    const c = await createConversation(s.url, { botId: 'orders', locale: 'en' });
    return waitFor(async () => (await messages(s.url, c.conversation.id, c.token)).find((m) => m.author.type === 'bot')?.text, 10_000, 'the bot reply');
  }

  it('are encrypted at rest, masked in GET, and sent decrypted to the webhook', async () => {
    const put = await call(s.url, 'PUT', '/api/v1/bots/orders', { token: admin, ...yaml(bot) });
    expect(put.status).toBe(200);
    const stored = await storedSources();
    for (const secret of [TOKEN, API_KEY, 's3cr3t-webhook-token', 'application/json']) expect(stored).not.toContain(secret);
    expect(stored).toContain('# the shop\'s API token');
    expect(stored).toContain("# Orders bot: looks an order up in the shop's API");
    if (store === 'sqlite') {
      // the database file and its WAL, as bytes: no trace of either secret
      const files = fs.readdirSync(s.dataDir).filter((f) => f.startsWith('baton.sqlite'));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        const bytes = fs.readFileSync(path.join(s.dataDir, f));
        expect(bytes.includes(Buffer.from('s3cr3t-webhook-token')), f).toBe(false);
        expect(bytes.includes(Buffer.from(API_KEY)), f).toBe(false);
      }
    }
    for (const token of [admin, supervisor]) {
      const got = await call(s.url, 'GET', '/api/v1/bots/orders', { token });
      expect(got.status).toBe(200);
      expect(got.body.bot.source).not.toContain('s3cr3t');
      expect(got.body.bot.source).not.toContain(API_KEY);
      expect(got.body.bot.source).not.toContain('enc:v1:');
      expect(got.body.bot.source).toContain('authorization: "********" # the shop\'s API token');
      expect(got.body.bot.source).toContain('X-Api-Key: "********"');
    }
    expect(await reply()).toBe('Your order is shipped');
    expect(seen.at(-1)).toEqual({ authorization: TOKEN, key: API_KEY });
  });

  it('a PUT of the GET output keeps the stored values; a new value replaces one; a mask with nothing stored is refused', async () => {
    const masked = (await call(s.url, 'GET', '/api/v1/bots/orders', { token: admin })).body.bot.source as string;
    const again = await call(s.url, 'PUT', '/api/v1/bots/orders', { token: admin, ...yaml(masked) });
    expect(again.status).toBe(200);
    expect(await storedSources()).not.toContain('********');
    expect(await reply()).toBe('Your order is shipped');
    expect(seen.at(-1)).toEqual({ authorization: TOKEN, key: API_KEY });

    // the same source as JSON: masks kept too (header names match whatever their case)
    const asJson = await call(s.url, 'GET', '/api/v1/bots/orders', { token: admin });
    expect(asJson.body.bot.format).toBe('yaml');

    const wrong = masked.replace('authorization: "********"', 'authorization: "Bearer wrong"');
    expect((await call(s.url, 'PUT', '/api/v1/bots/orders', { token: admin, ...yaml(wrong) })).status).toBe(200);
    expect(await reply()).toBe("Sorry, I can't reach that service right now. Please try again later — I can still help with other questions.");
    expect(seen.at(-1)).toEqual({ authorization: 'Bearer wrong', key: API_KEY });

    const moved = masked.replace('X-Api-Key: "********"', 'X-Other: "********"');
    const refused = await call(s.url, 'PUT', '/api/v1/bots/orders', { token: admin, ...yaml(moved) });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('BOT_INVALID');
    expect(refused.body.error.details.problems).toEqual([{ path: 'dialogs.welcome.steps.0.webhook.headers.X-Other', message: expect.stringMatching(/mask/) }]);

    // a mask never follows the URL to another host (the secret would go to whoever runs it): another
    // path on the same origin keeps it; another port, host or scheme must have the value typed again
    const port = (server.address() as { port: number }).port;
    const samePlace = masked.replace(`/orders/A-1`, `/orders/{{order_id}}`);
    expect((await call(s.url, 'PUT', '/api/v1/bots/orders', { token: admin, ...yaml(samePlace) })).status).toBe(200);
    for (const elsewhere of [`http://127.0.0.1:${port + 1}/orders/A-1`, `http://localhost:${port}/orders/A-1`, `https://127.0.0.1:${port}/orders/A-1`]) {
      const exfil = masked.replace(`http://127.0.0.1:${port}/orders/A-1`, elsewhere);
      const r = await call(s.url, 'PUT', '/api/v1/bots/orders', { token: admin, ...yaml(exfil) });
      expect(r.status, elsewhere).toBe(422);
      expect(r.body.error.details.problems.map((p: { path: string }) => p.path)).toContain('dialogs.welcome.steps.0.webhook.headers.authorization');
    }

    // JSON sources: encrypted and masked the same way
    const jsonBot = { name: 'J', defaultLanguage: 'en', languages: ['en'], dialogs: { welcome: { steps: [{ webhook: { url: 'https://api.example.com/x', headers: { authorization: TOKEN } } }] }, not_understood: { steps: [{ message: { text: '?' } }] }, offloading_disabled: { steps: [{ message: { text: 'off' } }] }, offloading_closed: { steps: [{ message: { text: 'c' } }] }, offloading_opened: { steps: [{ message: { text: 'w' } }] } } };
    expect((await call(s.url, 'PUT', '/api/v1/bots/json-bot', { token: admin, body: jsonBot })).status).toBe(200);
    expect(await storedSources()).not.toContain('s3cr3t');
    const jsonGot = await call(s.url, 'GET', '/api/v1/bots/json-bot', { token: supervisor });
    expect(JSON.parse(jsonGot.body.bot.source).dialogs.welcome.steps[0].webhook.headers).toEqual({ authorization: '********' });
    expect((await call(s.url, 'PUT', '/api/v1/bots/json-bot', { token: admin, raw: jsonGot.body.bot.source, headers: { 'content-type': 'application/json' } })).status).toBe(200);
    expect(await storedSources()).not.toContain('********');
  });
});
