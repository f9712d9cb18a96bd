// One declaration per endpoint: it registers the route, states who may call it, parses its params,
// headers, query and body, checks the handler's answer against the response schema at compile time,
// and documents the route (openapi.ts builds the document from the declarations of registered routes).
import type { RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { authorizeUser } from '../commands/read-conversation.js';
import type { Deps } from '../deps.js';
import type { AgentRow } from '../store/schema.js';
import { AppError, type ErrorCode } from '../errors.js';
import { isAgentAccess, type RouteAccess } from './access.js';
import { requireAgent } from './auth-guard.js';
import { bearer, parse } from './parse.js';

/** What the OpenAPI document says about an operation; signed inbound routes carry one as well. */
export interface RouteDoc {
  /** the operationId */
  name: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  /** each header's own schema: a bad value is reported as that value's problem */
  headers?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** a missing body counts as `{}` */
  bodyOptional?: boolean;
  /** the handler validates the body itself, with an error code of its own; `body` only documents it */
  handlerParsesBody?: boolean;
  /** non-JSON bodies the handler reads from `req.body` itself */
  bodyMedia?: readonly string[];
  response?: z.ZodType;
  /** a success answer that is not JSON: its media type, or the types a query chooses between (the handler sets the header and returns the body, a stream for large ones) */
  responseMedia?: string | readonly string[];
  /** the success status (200 unless said); a handler may set another with `reply.code()` */
  status?: number;
  /** the credentials a public route takes when they are given (logout, the socket) */
  optionalAuth?: ReadonlyArray<'userToken' | 'agentToken' | 'deskCookie'>;
  /**
   * the codes the use case itself may answer (a state refused, a name taken …), beyond those the
   * document derives from the declaration (access, params, body, rate limit)
   */
  errors?: readonly ErrorCode[];
  /** the status of a repeated request (an Idempotency-Key or event id seen before): the same body as the first answer */
  repeatStatus?: number;
  /** how a signed route's sender signs (the OpenAPI security scheme); X-Baton-Signature unless said */
  signedWith?: SignatureScheme;
}

/** The signatures Baton checks on inbound webhooks, one OpenAPI security scheme each. */
export type SignatureScheme = 'signature' | 'genesysSignature' | 'helpScoutSignature' | 'sunshineApiKey' | 'genesysConnectionSecret';

declare module 'fastify' {
  interface FastifyContextConfig {
    doc?: RouteDoc;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;
type ParsedHeaders<H> = H extends Record<string, z.ZodType> ? { [K in keyof H]: z.output<H[K]> } : undefined;
type Answer<R> = R extends z.ZodType ? z.input<R> : unknown;

/** The conversation a `user` route names, already checked against the caller's token. */
export type AuthorizedConversation = Awaited<ReturnType<typeof authorizeUser>>;

export interface RouteContext<A extends RouteAccess, P, H, Q, B> {
  req: FastifyRequest;
  reply: FastifyReply;
  params: Parsed<P>;
  headers: ParsedHeaders<H>;
  query: Parsed<Q>;
  body: Parsed<B>;
  /** the agent the access check authenticated (agent, supervisor and admin routes) */
  agent: A extends 'agent' | 'supervisor' | 'admin' ? AgentRow : undefined;
  /** the conversation the token opens (user routes) */
  conversation: A extends 'user' ? AuthorizedConversation : undefined;
}

export interface RouteSpec<
  A extends RouteAccess,
  P extends z.ZodObject | undefined,
  H extends Record<string, z.ZodType> | undefined,
  Q extends z.ZodObject | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType | undefined,
> extends Omit<RouteDoc, 'params' | 'headers' | 'query' | 'body' | 'response'> {
  method: Method;
  url: string;
  access: A;
  params?: P;
  headers?: H;
  query?: Q;
  body?: B;
  response?: R;
  rateLimit?: RateLimitOptions;
  handler(ctx: RouteContext<A, P, H, Q, B>): Promise<Answer<R>>;
}

/** A declared route with its types erased, ready for registerRoutes(). */
export interface Route extends RouteDoc {
  method: Method;
  url: string;
  access: RouteAccess;
  rateLimit?: RateLimitOptions;
  handler(ctx: RouteContext<RouteAccess, unknown, unknown, unknown, unknown>): Promise<unknown>;
}

export function defineRoute<
  A extends RouteAccess,
  P extends z.ZodObject | undefined = undefined,
  H extends Record<string, z.ZodType> | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<A, P, H, Q, B, R>): Route {
  return spec as unknown as Route;
}

/** The documentation part of a declaration, as the OpenAPI document reads it. */
export function routeDoc(r: Route): RouteDoc {
  const { name, summary, tag, params, headers, query, body, bodyOptional, handlerParsesBody, bodyMedia, response, responseMedia, status, optionalAuth, errors, repeatStatus, signedWith } = r;
  return { name, summary, tag, params, headers, query, body, bodyOptional, handlerParsesBody, bodyMedia, response, responseMedia, status, optionalAuth, errors, repeatStatus, signedWith };
}

/** The media types a route's body may come as: its own list, JSON when it declares a body, none otherwise. */
export function bodyMediaOf(doc: RouteDoc): readonly string[] {
  return doc.bodyMedia ?? (doc.body ? ['application/json'] : []);
}

/**
 * The app parses text bodies for the bot routes, so a text/plain body would otherwise reach a JSON
 * route as a string and come back as a puzzling 422; it is refused as the media type it is.
 */
function refuseOtherMedia(media: readonly string[], req: FastifyRequest): void {
  if (req.body === undefined || media.length === 0) return;
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!media.includes(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send this body as ${media.join(' or ')}, not ${type || 'without a Content-Type'}`);
}

/**
 * Registers declared routes. Parsing runs in the order the answers depend on: a user route's token
 * is checked against the conversation before its headers, query or body are looked at.
 */
export function registerRoutes(app: FastifyInstance, deps: Deps, routes: readonly Route[]): void {
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.url,
      config: { access: r.access, doc: routeDoc(r), ...(r.rateLimit ? { rateLimit: r.rateLimit } : {}) },
      // before the access check, as Fastify's own 415 for a type no parser reads comes before it too
      preValidation: async (req) => refuseOtherMedia(bodyMediaOf(r), req),
      handler: async (req, reply) => {
        // the access hook has authenticated already; this returns the same agent
        const agent = isAgentAccess(r.access) ? await requireAgent(deps, req) : undefined;
        const params = r.params ? parse(r.params, req.params) : undefined;
        const conversation = r.access === 'user' ? await authorizeUser(deps, bearer(req.headers.authorization), (params as { id?: string } | undefined)?.id) : undefined;
        const headers = r.headers ? Object.fromEntries(Object.entries(r.headers).map(([name, s]) => [name, parse(s, req.headers[name.toLowerCase()])])) : undefined;
        const query = r.query ? parse(r.query, req.query) : undefined;
        const body = r.body && !r.handlerParsesBody ? parse(r.body, r.bodyOptional ? (req.body ?? {}) : req.body) : undefined;
        if (r.status) reply.code(r.status);
        return r.handler({ req, reply, params, headers, query, body, agent, conversation } as RouteContext<RouteAccess, unknown, unknown, unknown, unknown>);
      },
    });
  }
}
