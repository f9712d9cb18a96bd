// GET /api/v1/openapi.json, generated from the declarations the routes are registered with (route.ts,
// signed-inbound.ts): every /api route must carry one, so a route cannot exist undocumented.
import * as P from '@baton/proto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../errors.js';
import { isAgentAccess, type RouteAccess } from './access.js';
import { bodyMediaOf, defineRoute, registerRoutes, type RouteDoc } from './route.js';
import type { Deps } from '../deps.js';

/** Requests are described as a client may send them (defaults optional), answers as the server sends them. */
function jsonSchema(s: z.ZodType, io: 'input' | 'output' = 'input') {
  // the document's dialect (JSON Schema 2020-12) applies to every schema in it already
  const { $schema: _dialect, ...schema } = z.toJSONSchema(s, { io, unrepresentable: 'any' });
  return schema;
}

/** Each error status the API answers, its component's name, and the catalog's codes for it. */
const ERROR_STATUSES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableContent',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

function codesWithStatus(status: number): [ErrorCode, ...ErrorCode[]] {
  return (Object.keys(ERRORS) as ErrorCode[]).filter((code) => ERRORS[code].status === status) as [ErrorCode, ...ErrorCode[]];
}

/** The error body whose `code` is one of the catalog's codes for this status, so a client can switch on it. */
function errorResponse(status: number) {
  const body = z.object({ error: z.object({ code: z.enum(codesWithStatus(status)), message: z.string(), details: z.unknown().optional() }) });
  const codes = codesWithStatus(status)
    .map((c) => `\`${c}\``)
    .join(', ');
  return { description: `${status}: the error's code is one of ${codes}`, content: { 'application/json': { schema: jsonSchema(body, 'output') } } };
}

/** The error statuses an operation may answer, derived from what its declaration says it takes. */
export function errorStatuses(access: RouteAccess, doc: RouteDoc, limited: boolean): number[] {
  const statuses = new Set<number>([500, 503]);
  const media = bodyMediaOf(doc);
  if (access === 'user' || access === 'signed' || isAgentAccess(access)) statuses.add(401);
  // user: a token of another conversation; agents: a role below the route's, or a cookie without the CSRF header
  if (access === 'user' || isAgentAccess(access)) statuses.add(403);
  if (doc.params) [404, 422].forEach((s) => statuses.add(s));
  if (doc.query || doc.headers) statuses.add(422);
  if (media.length) [413, 415, 422].forEach((s) => statuses.add(s));
  if (media.some((m) => m.includes('json'))) statuses.add(400);
  if (limited || access === 'signed') statuses.add(429);
  for (const code of doc.errors ?? []) statuses.add(ERRORS[code].status);
  return [...statuses].sort((a, b) => a - b);
}

function security(access: RouteAccess, doc: RouteDoc) {
  if (access === 'user') return [{ userToken: [] }];
  if (access === 'signed') return [{ [doc.signedWith ?? 'signature']: [] }];
  if (access === 'public') return doc.optionalAuth ? [{}, ...doc.optionalAuth.map((scheme) => ({ [scheme]: [] }))] : [];
  return [{ agentToken: [] }, { deskCookie: [] }];
}

/** the schema of a non-JSON body: an upload's one file field, or text */
function mediaSchema(media: string) {
  if (media === 'multipart/form-data') return { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] };
  return { type: media.includes('json') ? 'object' : 'string' };
}

/** One operation of the document, from a route's declaration; `limited` when the route has a rate limit of its own. */
export function operation(url: string, access: RouteAccess, doc: RouteDoc, limited = false) {
  const pathShape = (doc.params?.shape ?? {}) as Record<string, z.ZodType>;
  const parameters: Array<Record<string, unknown>> = [...url.matchAll(/:(\w+)/g)].map((m) => m[1] as string).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: pathShape[name] ? jsonSchema(pathShape[name]) : { type: 'string' },
  }));
  for (const [name, s] of Object.entries(doc.headers ?? {})) parameters.push({ name, in: 'header', required: !s.safeParse(undefined).success, schema: jsonSchema(s) });
  for (const [name, s] of Object.entries((doc.query?.shape ?? {}) as Record<string, z.ZodType>)) parameters.push({ name, in: 'query', required: false, schema: jsonSchema(s) });
  const content = doc.body
    ? { 'application/json': { schema: jsonSchema(doc.body) } }
    : doc.bodyMedia
      ? Object.fromEntries(doc.bodyMedia.map((m) => [m, { schema: mediaSchema(m) }]))
      : undefined;
  const answer = doc.response
    ? { content: { 'application/json': { schema: jsonSchema(doc.response, 'output') } } }
    : doc.responseMedia
      ? { content: Object.fromEntries([doc.responseMedia].flat().map((m) => [m, { schema: { type: 'string' } }])) }
      : {};
  const status = doc.status ?? 200;
  const responses: Record<string, unknown> = { [String(status)]: { description: 'OK', ...answer } };
  if (doc.repeatStatus) responses[String(doc.repeatStatus)] = { description: `A repeat of a request already applied (same ${doc.headers ? 'Idempotency-Key' : 'event id'}): nothing is stored again, and the answer is the first one's`, ...answer };
  for (const s of errorStatuses(access, doc, limited)) responses[String(s)] = { $ref: `#/components/responses/${ERROR_STATUSES[s]}` };
  return {
    operationId: doc.name,
    summary: doc.summary,
    tags: [doc.tag],
    'x-access': access,
    ...(parameters.length ? { parameters } : {}),
    ...(content ? { requestBody: { required: !doc.bodyOptional, content } } : {}),
    security: security(access, doc),
    responses,
  };
}

/**
 * Serves the document (and Swagger UI at /docs). Install before any /api route is registered: each
 * one adds its operation as it is registered, and one without a declaration fails at start-up.
 */
export async function installOpenApi(app: FastifyInstance, deps: Deps): Promise<void> {
  const document = openApiDocument(deps.config.PUBLIC_URL);
  const operationIds = new Map<string, string>();
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    for (const method of [route.method].flat()) {
      // fastify's own HEAD twins carry no config of ours
      if (method === 'HEAD') continue;
      const doc = route.config?.doc;
      const access = route.config?.access;
      if (!doc || !access) throw new Error(`route ${method} ${route.url} is not declared (see http/route.ts)`);
      // generated clients name their functions after operationIds: two alike would collide
      const at = `${method} ${route.url}`;
      const taken = operationIds.get(doc.name);
      if (taken && taken !== at) throw new Error(`operation name ${doc.name} of ${at} is already used by ${taken}`);
      operationIds.set(doc.name, at);
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      (document.paths[path] ??= {})[method.toLowerCase()] = operation(route.url, access, doc, Boolean(route.config?.rateLimit));
    }
  });
  // static mode serves this very object, which the hook above fills in before the first request
  await app.register(fastifySwagger, { mode: 'static', specification: { document: document as never } });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  registerRoutes(app, deps, [
    defineRoute({
      method: 'GET',
      url: '/api/v1/openapi.json',
      access: 'public',
      name: 'getOpenApi',
      summary: 'This OpenAPI document',
      tag: 'Meta',
      response: P.JsonDocument,
      handler: async () => document,
    }),
  ]);
}

export function openApiDocument(publicUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const statuses = Object.keys(ERROR_STATUSES).map(Number);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Baton API',
      version: '1.0.0',
      description:
        'Chatbot platform with human handover. Errors are `{ "error": { "code", "message", "details?" } }`; each operation lists the statuses it may answer, and each status the codes of the catalog it carries (all of them under x-error-codes). A JSON body sent with another Content-Type is 415 UNSUPPORTED_MEDIA_TYPE. Text is limited to 4000 characters.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: publicUrl ?? '/' }],
    paths,
    components: {
      schemas: { Error: jsonSchema(P.ErrorBody, 'output'), Message: jsonSchema(P.Message, 'output'), Conversation: jsonSchema(P.Conversation, 'output'), ServerEvent: jsonSchema(P.ServerEvent, 'output'), ClientEvent: jsonSchema(P.ClientEvent) },
      responses: Object.fromEntries(statuses.map((s) => [ERROR_STATUSES[s], errorResponse(s)])),
      securitySchemes: {
        userToken: { type: 'http', scheme: 'bearer', description: 'The token returned when the conversation was created (cu_…); it opens that conversation only' },
        agentToken: { type: 'http', scheme: 'bearer', description: 'An agent session token from POST /api/v1/auth/login' },
        deskCookie: { type: 'apiKey', in: 'cookie', name: 'baton_session', description: 'Desk session; mutating requests also need X-Requested-With: baton-desk' },
        signature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Baton-Signature',
          description: 'Channels and the Offloading Webhook: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> with the channel\'s or provider\'s secret, one v1= per secret during a rotation; the timestamp must be within 5 minutes. Where the channel or provider has signatureScheme "standard-webhooks", the Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) are accepted instead',
        },
        genesysSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Hub-Signature-256',
          description: 'Genesys Cloud Open Messaging: sha256=<base64 HMAC-SHA256 of the raw body> with the integration\'s outbound notification secret',
        },
        genesysConnectionSecret: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Baton-Connection-Secret',
          description: 'Genesys Cloud Digital Bot Connector: the credential field the integration sends as a header, compared in constant time; its name is the provider\'s credentialName (X-Baton-Connection-Secret unless set). Missing or wrong: 403',
        },
        helpScoutSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-HelpScout-Signature',
          description: 'Help Scout webhooks: <base64 HMAC-SHA1 of the raw body> with the webhook\'s secret key',
        },
        sunshineApiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-Key',
          description: 'Sunshine Conversations webhooks: the webhook\'s shared secret itself (compared in constant time)',
        },
      },
    },
    'x-error-codes': Object.fromEntries(Object.entries(ERRORS).map(([code, e]) => [code, e])),
  };
}
