// Write-only secrets stay write-only (found by the re-test): a masked secret sent back is kept only
// while the provider still calls the same URLs, or an admin could point a URL at a server of theirs
// and have Baton hand the stored secret over (an OAuth client secret goes to loginUrl in clear).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startTestServer();
  admin = await login(s.url);
});
afterAll(async () => {
  await s?.close();
});

const settings = async () => (await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin })).body;
const put = (body: unknown) => call(s.url, 'PUT', '/api/v1/settings/offloading', { token: admin, body });

describe('provider secrets and their URLs', () => {
  it('the mask keeps a secret while the URLs stay; a changed URL needs the secret typed again', async () => {
    const base = await settings();
    const providers = [
      ...base.providers,
      { id: 'acme', type: 'webhook', name: 'Acme', config: { url: 'https://cc.acme.example/baton', secret: 'acme-secret-0123456789' } },
      { id: 'gc', type: 'genesys-cloud', name: 'Genesys', config: { region: 'mypurecloud.com', clientId: 'cid', clientSecret: 'genesys-client-secret-1', integrationId: 'int-1', webhookSecret: 'genesys-webhook-secret-0123' } },
    ];
    expect((await put({ ...base, providers })).status).toBe(200);
    const masked = await settings();
    // as it is: fine
    expect((await put(masked)).status).toBe(200);
    const withConfig = (id: string, patch: Record<string, unknown>) => ({
      ...masked,
      providers: masked.providers.map((p: { id: string; config?: Record<string, unknown> }) => (p.id === id ? { ...p, config: { ...p.config, ...patch } } : p)),
    });
    // another URL with the mask: refused, naming each secret to type again
    const moved = await put(withConfig('acme', { url: 'https://attacker.example/collect' }));
    expect(moved.status).toBe(422);
    expect(moved.body.error.code).toBe('SETTINGS_INVALID');
    expect(moved.body.error.details.problems.map((p: { path: string }) => p.path)).toEqual([`providers.${masked.providers.findIndex((p: { id: string }) => p.id === 'acme')}.config.secret`]);
    const login_ = await put(withConfig('gc', { loginUrl: 'https://attacker.example' }));
    expect(login_.status).toBe(422);
    expect(login_.body.error.details.problems.map((p: { path: string }) => p.path.split('.').at(-1)).sort()).toEqual(['clientSecret', 'webhookSecret']);
    // with the secret typed again: fine; and the stored secret did not move before
    expect((await put(withConfig('acme', { url: 'https://cc2.acme.example/baton', secret: 'acme-secret-retyped-0123' }))).status).toBe(200);
    const stored = await s.baton.deps.settings.offloading();
    expect(stored.providers.find((p) => p.id === 'acme')?.config).toMatchObject({ url: 'https://cc2.acme.example/baton', secret: 'acme-secret-retyped-0123' });
    expect(stored.providers.find((p) => p.id === 'gc')?.config).toMatchObject({ clientSecret: 'genesys-client-secret-1' });
    expect(stored.providers.find((p) => p.id === 'gc')?.config?.loginUrl).toBeUndefined();
  });
});
