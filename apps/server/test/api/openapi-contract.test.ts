// The served OpenAPI document as adopters' tools read it: a typed client generated from it with
// openapi-typescript must typecheck (and refuse a wrong call), real answers must match the schema the
// document gives for their operation and status, and the document itself must lint clean.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '@baton/proto';
import { signBody } from '../../src/providers/signing.js';
import { makeAgent, openOffloading, offloadedConversation } from '../support/flows.js';
import { call, type Res } from '../support/http.js';
import { startTestServer, tempDir, type TestServer } from '../support/server.js';

type Operation = { operationId: string; parameters?: Array<{ name: string; in: string }>; responses: Record<string, { $ref?: string; content?: Record<string, { schema: object }> }> };
type Document = { paths: Record<string, Record<string, Operation>>; components: { responses: Record<string, { content?: Record<string, { schema: object }> }> } };

let s: TestServer;
let doc: Document;
beforeAll(async () => {
  s = await startTestServer();
  const r = await call(s.url, 'GET', '/api/v1/openapi.json');
  expect(r.status).toBe(200);
  doc = r.body;
});
afterAll(async () => {
  await s?.close();
});

/** every operation of the document with its method and path */
const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

describe('the OpenAPI document', () => {
  it('lints clean with Redocly: no errors, and every operation has an operationId, a 4xx answer or none it can give, a license', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: join(tempDir(), 'openapi.json'), config });
    expect(problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    const rules = new Set(problems.map((p) => p.ruleId));
    for (const rule of ['operation-operationId', 'operation-operationId-unique', 'info-license', 'info-license-strict', 'path-parameters-defined', 'no-unresolved-refs', 'security-defined']) expect(rules).not.toContain(rule);
    // only public operations that need nothing (this document, the bot format's schema) may lack a 4xx
    const no4xx = problems.filter((p) => p.ruleId === 'operation-4xx-response').map((p) => p.location[0]?.pointer);
    expect(no4xx.every((pointer) => /openapi\.json|schema\.json/.test(pointer ?? ''))).toBe(true);
  });

  it('gives every operation a unique operationId, every write a body or none it reads, and every answer a schema', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    for (const { path, method, op } of operations()) {
      const success = Object.entries(op.responses).filter(([status]) => /^2/.test(status));
      // the socket's upgrade (101) is the one operation whose answer is not JSON
      if (path !== '/api/v1/ws') expect(success.length, `${method} ${path}`).toBeGreaterThan(0);
      // JSON, or the declared media types of a download (the analytics CSV, a transcript as text or HTML,
      // an attachment's bytes) or of Meta's verification handshake (the challenge, as text), or Twilio's webhook answer (TwiML)
      const downloads: Record<string, string[]> = { '.csv': ['text/csv'], '/transcript': ['text/plain', 'text/html'] };
      const media = /\/(whatsapp|messenger)$/.test(path) && method === 'get' ? ['text/plain'] : path.endsWith('/sms-twilio') ? ['text/xml'] : path.startsWith('/api/v1/attachments/') ? ['application/octet-stream'] : Object.entries(downloads).find(([end]) => path.endsWith(end))?.[1];
      for (const [status, r] of success) {
        if (media) for (const m of media) expect(r.content?.[m]?.schema, `${method} ${path} ${status} ${m}`).toBeDefined();
        else expect(r.content?.['application/json']?.schema, `${method} ${path} ${status}`).toBeDefined();
      }
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) expect(op.parameters?.some((p) => p.in === 'path' && p.name === name), `${path} {${name}}`).toBe(true);
    }
    expect(Object.keys(doc.paths['/api/v1/analytics.csv']!.get!.responses['200']!.content ?? {})).toEqual(['text/csv']);
    const list = doc.paths['/api/v1/agent/conversations']!.get!;
    expect(list.parameters?.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(expect.arrayContaining(['status', 'scope', 'q', 'agentId', 'skill', 'tag', 'from', 'to', 'limit']));
  });

  it('lists per operation the error statuses it can answer, each with the catalog codes of that status as an enum', () => {
    const send = doc.paths['/api/v1/conversations/{id}/messages']!.post!;
    expect(Object.keys(send.responses).sort()).toEqual(['200', '201', '400', '401', '403', '404', '409', '413', '415', '422', '429', '500', '503']);
    const login = doc.paths['/api/v1/auth/login']!.post!;
    expect(Object.keys(login.responses)).toEqual(expect.arrayContaining(['400', '401', '415', '422', '429']));
    expect(Object.keys(login.responses)).not.toContain('403');
    const conflict = doc.components.responses.Conflict!.content!['application/json']!.schema as { properties: { error: { properties: { code: { enum: string[] } } } } };
    const codes409 = Object.entries(ERROR_CATALOG).filter(([, e]) => e.status === 409).map(([code]) => code);
    expect(conflict.properties.error.properties.code.enum.sort()).toEqual(codes409.sort());
  });

  it('generates a typed client with openapi-typescript that typechecks, and refuses a wrong body, query or error code', async () => {
    const dir = join(tempDir(), 'client');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'baton.d.ts'), astToString(await openapiTS(doc as never)));
    const use = (lines: string[]) => [
      `import type { operations } from './baton';`,
      `type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;`,
      `type Create = operations['createConversation'];`,
      `type Send = operations['sendMessage'];`,
      `type Accept = operations['acceptConversation'];`,
      `type List = operations['listAgentConversations'];`,
      ...lines,
    ];
    const good = use([
      `export const body: Json<Create['requestBody']> = { locale: 'en', user: { name: 'Ada', email: 'ada@example.com' } };`,
      `export function token(created: Json<Create['responses'][201]>): string { return created.token; }`,
      `export const message: Json<Send['requestBody']> = { text: 'hello' };`,
      `export const key: NonNullable<Send['parameters']['header']>['Idempotency-Key'] = 'k-1';`,
      `export function seq(repeat: Json<Send['responses'][200]>): number { return repeat.message.seq; }`,
      `export function owner(detail: Json<Accept['responses'][200]>): string | null | undefined { return detail.conversation.assignee?.name; }`,
      `export function refused(e: Json<Accept['responses'][409]>): 'ALREADY_ASSIGNED' | 'AGENT_UNAVAILABLE' | string { return e.error.code; }`,
      `export const query: NonNullable<List['parameters']['query']> = { status: 'offloaded', scope: 'all', limit: 50 };`,
    ]);
    const bad = use([
      `export const body: Json<Create['requestBody']> = { locale: 42 };`,
      `export const query: NonNullable<List['parameters']['query']> = { status: 'waiting' };`,
      `export const code: Json<Accept['responses'][409]>['error']['code'] = 'NOT_A_CODE';`,
      `export function seq(repeat: Json<Send['responses'][200]>): string { return repeat.message.seq; }`,
    ]);
    writeFileSync(join(dir, 'good.ts'), good.join('\n'));
    writeFileSync(join(dir, 'bad.ts'), bad.join('\n'));
    const diagnostics = (file: string) => {
      const program = ts.createProgram([join(dir, file)], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: [], skipLibCheck: false });
      return ts.getPreEmitDiagnostics(program).map((d) => ({ line: d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line : -1, text: ts.flattenDiagnosticMessageText(d.messageText, '\n') }));
    };
    expect(diagnostics('good.ts')).toEqual([]);
    const wrong = diagnostics('bad.ts');
    // each of the four wrong lines (after the six of the preamble, counted from 0) is an error of its own
    expect([...new Set(wrong.map((d) => d.line))].sort()).toEqual([6, 7, 8, 9]);
  }, 120_000);
});

describe('real answers match the document', () => {
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  const seen = new Set<string>();

  /** The request, then its answer checked against the schema of that operation and status. */
  async function checked(method: string, template: string, path: string, opts: Parameters<typeof call>[3] = {}): Promise<Res> {
    const res = await call(s.url, method, path, opts);
    const op = doc.paths[template]?.[method.toLowerCase()];
    expect(op, `${method} ${template} is in the document`).toBeDefined();
    let answer = op!.responses[String(res.status)];
    expect(answer, `${method} ${template} documents ${res.status} (got ${JSON.stringify(res.body)})`).toBeDefined();
    if (answer!.$ref) answer = doc.components.responses[answer!.$ref.split('/').pop()!];
    const schema = answer!.content?.['application/json']?.schema;
    expect(schema, `${method} ${template} ${res.status} has a schema`).toBeDefined();
    const validate = ajv.compile(schema!);
    expect(validate(res.body) ? [] : validate.errors, `${method} ${template} ${res.status}: ${JSON.stringify(res.body).slice(0, 400)}`).toEqual([]);
    seen.add(`${op!.operationId} ${res.status}`);
    return res;
  }

  it('on the Channel API, the agent side and admin screens, for good and bad requests', async () => {
    const created = await checked('POST', '/api/v1/conversations', '/api/v1/conversations', { body: { locale: 'en', user: { name: 'Ada' } } });
    expect(created.status).toBe(201);
    const { conversation, token } = created.body as { conversation: { id: string }; token: string };
    const conv = `/api/v1/conversations/${conversation.id}`;
    await checked('GET', '/api/v1/conversations/{id}', conv, { token });
    const send = { token, body: { text: 'hello' }, headers: { 'idempotency-key': 'contract-1' } };
    expect((await checked('POST', '/api/v1/conversations/{id}/messages', `${conv}/messages`, send)).status).toBe(201);
    expect((await checked('POST', '/api/v1/conversations/{id}/messages', `${conv}/messages`, send)).status).toBe(200);
    await checked('GET', '/api/v1/conversations/{id}/messages', `${conv}/messages?after=0&limit=50`, { token });
    expect((await checked('POST', '/api/v1/conversations/{id}/messages', `${conv}/messages`, { token, body: { text: 'x'.repeat(4001) } })).status).toBe(422);
    expect((await checked('POST', '/api/v1/conversations/{id}/cancel', `${conv}/cancel`, { token })).status).toBe(409);
    expect((await checked('GET', '/api/v1/conversations/{id}', conv, { token: 'cu_nope' })).status).toBe(401);
    expect((await checked('POST', '/api/v1/conversations', '/api/v1/conversations', { raw: 'hello', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await checked('POST', '/api/v1/conversations', '/api/v1/conversations', { raw: '{"locale":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await checked('POST', '/api/v1/conversations', '/api/v1/conversations', { body: { locale: 5 } })).status).toBe(422);

    expect((await checked('POST', '/api/v1/auth/login', '/api/v1/auth/login', { body: { email: 'admin@example.com', password: 'wrong-password' } })).status).toBe(401);
    const admin = (await checked('POST', '/api/v1/auth/login', '/api/v1/auth/login', { body: { email: 'admin@example.com', password: 'admin-password' } })).body.token as string;
    await checked('GET', '/api/v1/agent/me', '/api/v1/agent/me', { token: admin });
    await checked('GET', '/api/v1/settings/offloading', '/api/v1/settings/offloading', { token: admin });
    await openOffloading(s.url, admin);
    const a = await makeAgent(s.url, admin);
    // offline, so that routing offers the conversation to `a` alone
    const b = await makeAgent(s.url, admin, { online: false });
    await checked('PUT', '/api/v1/agent/status', '/api/v1/agent/status', { token: a.token, body: { status: 'online' } });
    const waiting = await offloadedConversation(s.url);
    const agentConv = `/api/v1/agent/conversations/${waiting.id}`;
    await checked('GET', '/api/v1/agent/conversations', '/api/v1/agent/conversations?status=offloaded', { token: a.token });
    const accepted = await checked('POST', '/api/v1/agent/conversations/{id}/accept', `${agentConv}/accept`, { token: a.token });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect((await checked('POST', '/api/v1/agent/conversations/{id}/accept', `${agentConv}/accept`, { token: b.token })).status).toBe(409);
    await checked('GET', '/api/v1/agent/conversations/{id}', agentConv, { token: a.token });
    expect((await checked('POST', '/api/v1/agent/conversations/{id}/messages', `${agentConv}/messages`, { token: a.token, body: { text: 'Hi, Ada here' } })).status).toBe(201);
    expect((await checked('POST', '/api/v1/agent/conversations/{id}/messages', `${agentConv}/messages`, { token: b.token, body: { text: 'not mine' } })).status).toBe(403);
    await checked('GET', '/api/v1/agent/conversations', '/api/v1/agent/conversations?status=agent', { token: a.token });
    await checked('GET', '/api/v1/agent/colleagues', '/api/v1/agent/colleagues', { token: a.token });
    expect((await checked('GET', '/api/v1/agent/conversations/{id}', '/api/v1/agent/conversations/nope', { token: a.token })).status).toBe(404);
    expect((await checked('GET', '/api/v1/agent/conversations', '/api/v1/agent/conversations?status=waiting', { token: a.token })).status).toBe(422);
    expect((await checked('GET', '/api/v1/agents', '/api/v1/agents', { token: a.token })).status).toBe(403);
    expect((await checked('GET', '/api/v1/agent/me', '/api/v1/agent/me')).status).toBe(401);
    expect((await checked('GET', '/api/v1/agents/{id}', '/api/v1/agents/nope', { token: admin })).status).toBe(404);

    const canned = await checked('POST', '/api/v1/canned-responses', '/api/v1/canned-responses', { token: admin, body: { shortcut: 'hi', title: 'Greeting', text: 'Hello!' } });
    expect(canned.status).toBe(201);
    await checked('PUT', '/api/v1/canned-responses/{id}', `/api/v1/canned-responses/${canned.body.cannedResponse.id}`, { token: admin, body: { shortcut: 'hi', title: 'Greeting', text: 'Hello there!' } });
    await checked('GET', '/api/v1/agent/canned-responses', '/api/v1/agent/canned-responses', { token: a.token });
    await checked('GET', '/api/v1/supervisor/overview', '/api/v1/supervisor/overview', { token: admin });
    await checked('GET', '/api/v1/analytics', '/api/v1/analytics', { token: admin });
    const bots = await checked('GET', '/api/v1/bots', '/api/v1/bots', { token: admin });
    await checked('GET', '/api/v1/bots/{id}', `/api/v1/bots/${bots.body.bots[0].id}`, { token: admin });
    await checked('GET', '/api/v1/bots/schema.json', '/api/v1/bots/schema.json');
    expect((await checked('POST', '/api/v1/bots/validate', '/api/v1/bots/validate', { token: admin, raw: 'dialogs: 5', headers: { 'content-type': 'application/yaml' } })).status).toBe(422);

    // a channel, and its signed inbound events: 201 for a new event, 200 with the same body for a repeat
    const secret = 'contract-secret-0123456789';
    await checked('POST', '/api/v1/channels', '/api/v1/channels', { token: admin, body: { id: 'sms', name: 'SMS', url: 'http://127.0.0.1:9/hook', secret } });
    await checked('GET', '/api/v1/channels', '/api/v1/channels', { token: admin });
    const raw = JSON.stringify({ id: 'evt-1', type: 'message', user: { id: 'u-1' }, text: 'hi from SMS' });
    const signed = (body: string) => ({ raw: body, headers: { 'content-type': 'application/json', 'x-baton-signature': signBody(secret, body, Math.floor(Date.now() / 1000)) } });
    expect((await checked('POST', '/api/v1/channels/{id}/events', '/api/v1/channels/sms/events', signed(raw))).status).toBe(201);
    expect((await checked('POST', '/api/v1/channels/{id}/events', '/api/v1/channels/sms/events', signed(raw))).status).toBe(200);
    expect((await checked('POST', '/api/v1/channels/{id}/events', '/api/v1/channels/sms/events', { raw, headers: { 'content-type': 'application/json', 'x-baton-signature': 't=1,v1=00' } })).status).toBe(401);
    await checked('GET', '/api/v1/providers/deliveries', '/api/v1/providers/deliveries', { token: admin });
    await checked('GET', '/api/v1/openapi.json', '/api/v1/openapi.json');

    // the drive reached most of the API, each answer valid for its operation and status
    expect(new Set([...seen].map((k) => k.split(' ')[0])).size).toBeGreaterThanOrEqual(30);
  }, 60_000);
});
