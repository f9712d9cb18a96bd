// GET /api/v1/openapi.json, generated from the declarations the routes are registered with (route.ts,
// signed-inbound.ts): every /api route must carry one, so a route cannot exist undocumented.
import * as P from '@baton/proto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ERRORS } from '../errors.js';
import type { RouteAccess } from './access.js';
import { defineRoute, registerRoutes, type RouteDoc } from './route.js';
import type { Deps } from '../deps.js';

function jsonSchema(s: z.ZodType) {
  return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
}

const ERROR_RESPONSE = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

function security(access: RouteAccess, doc: RouteDoc) {
  if (access === 'user') return [{ userToken: [] }];
  if (access === 'signed') return [{ signature: [] }];
  if (access === 'public') return doc.optionalAuth ? [{}, ...doc.optionalAuth.map((scheme) => ({ [scheme]: [] }))] : [];
  return [{ agentToken: [] }, { deskCookie: [] }];
}

/** One operation of the document, from a route's declaration. */
export function operation(url: string, access: RouteAccess, doc: RouteDoc) {
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
      ? Object.fromEntries(doc.bodyMedia.map((m) => [m, { schema: { type: m.includes('json') ? 'object' : 'string' } }]))
      : undefined;
  return {
    operationId: doc.name,
    summary: doc.summary,
    tags: [doc.tag],
    'x-access': access,
    ...(parameters.length ? { parameters } : {}),
    ...(content ? { requestBody: { required: !doc.bodyOptional, content } } : {}),
    security: security(access, doc),
    responses: {
      [String(doc.status ?? 200)]: {
        description: 'OK',
        ...(doc.response ? { content: { 'application/json': { schema: jsonSchema(doc.response) } } } : {}),
      },
      default: ERROR_RESPONSE,
    },
  };
}

/**
 * Serves the document (and Swagger UI at /docs). Install before any /api route is registered: each
 * one adds its operation as it is registered, and one without a declaration fails at start-up.
 */
export async function installOpenApi(app: FastifyInstance, deps: Deps): Promise<void> {
  const document = openApiDocument(deps.config.PUBLIC_URL);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    for (const method of [route.method].flat()) {
      // fastify's own HEAD twins carry no config of ours
      if (method === 'HEAD') continue;
      const doc = route.config?.doc;
      const access = route.config?.access;
      if (!doc || !access) throw new Error(`route ${method} ${route.url} is not declared (see http/route.ts)`);
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      (document.paths[path] ??= {})[method.toLowerCase()] = operation(route.url, access, doc);
    }
  });
  // static mode serves this very object, which the hook above fills in before the first request
  await app.register(fastifySwagger, { mode: 'static', specification: { document: document as never } });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  registerRoutes(app, deps, [
    defineRoute({ method: 'GET', url: '/api/v1/openapi.json', access: 'public', name: 'getOpenApi', summary: 'This OpenAPI document', tag: 'Meta', handler: async () => document }),
  ]);
}

export function openApiDocument(publicUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  return {
    openapi: '3.1.0',
    info: {
      title: 'Baton API',
      version: '1.0.0',
      description:
        'Chatbot platform with human handover. Errors are `{ "error": { "code", "message", "details?" } }`; the codes are listed under x-error-codes. Text is limited to 4000 characters.',
    },
    servers: [{ url: publicUrl ?? '/' }],
    paths,
    components: {
      schemas: { Error: jsonSchema(P.ErrorBody), Message: jsonSchema(P.Message), Conversation: jsonSchema(P.Conversation), ServerEvent: jsonSchema(P.ServerEvent), ClientEvent: jsonSchema(P.ClientEvent) },
      securitySchemes: {
        userToken: { type: 'http', scheme: 'bearer', description: 'The token returned when the conversation was created' },
        agentToken: { type: 'http', scheme: 'bearer', description: 'An agent session token from POST /api/v1/auth/login' },
        deskCookie: { type: 'apiKey', in: 'cookie', name: 'baton_session', description: 'Desk session; mutating requests also need X-Requested-With: baton-desk' },
        signature: { type: 'apiKey', in: 'header', name: 'X-Baton-Signature', description: 't=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">' },
      },
    },
    'x-error-codes': Object.fromEntries(Object.entries(ERRORS).map(([code, e]) => [code, e])),
  };
}

