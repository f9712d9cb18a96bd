// WebSocket /api/v1/ws: an end user's socket follows its conversation (user-socket.ts); an agent's
// socket follows the queue and the conversations it subscribes to (agent-socket.ts). This file is the
// handshake and the frame loop both share: who is calling (`?token=`, a first `auth` frame, or the
// desk cookie from the desk's own origin), per-IP and per-socket limits, and bounded output.
import { ClientEvent, SocketClose } from '@baton/proto';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { SESSION_COOKIE } from '../commands/auth.js';
import type { Deps } from '../deps.js';
import { AppError, type ErrorCode } from '../errors.js';
import { parse, parseJson } from '../http/parse.js';
import type { RouteDoc } from '../http/route.js';
import type { AgentSockets } from './agent-socket.js';
import { connectionCap } from './connection-cap.js';
import { FrameLimits, type FrameKind } from './frame-limits.js';
import { isStorageUnavailable } from '../store/storage-health.js';
import { isDeskOrigin } from './origin.js';
import { eventSender } from './send.js';
import type { SocketSession, UserSockets } from './user-socket.js';

/** the socket's entry in the OpenAPI document, which cannot describe its frames more closely */
const SOCKET_DOC: RouteDoc = {
  name: 'openSocket',
  summary:
    "WebSocket (?token=…, or the first frame {type:auth, token}; the desk cookie only from the desk's origin). Server events: message.created, conversation.updated, typing, ready, queue.updated, agent.status, followups.updated, error, pong. Client events: auth {token}, resume {afterSeq}, typing {on}, subscribe/unsubscribe {conversationId} (agents), ping. Per-socket frame limits and per-IP connection cap (429 TOO_MANY_CONNECTIONS); close codes in docs/api.md.",
  tag: 'Channel',
  optionalAuth: ['userToken', 'agentToken', 'deskCookie'],
  status: 101,
  errors: ['TOO_MANY_CONNECTIONS', 'ORIGIN_REJECTED'],
};

/** a socket that came without a token or cookie has this long to send `{type:"auth"}` */
export const AUTH_FRAME_WAIT_MS = 10_000;
/**
 * A socket with the desk cookie and no `?token=` may still send an `auth` frame first (a widget on the
 * desk's own site, in a browser where an agent is logged in): its first frame decides. The desk sends
 * a frame at once; a client that stays silent this long means its cookie.
 */
const COOKIE_DECISION_MS = 1000;
/** what a client may send before its authentication has finished (a desk resubscribing, a burst of sends) */
const MAX_EARLY_BYTES = 1024 * 1024;

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function authFrameToken(raw: Buffer): string | undefined {
  try {
    const r = ClientEvent.safeParse(parseJson(raw));
    return r.success && r.data.type === 'auth' ? r.data.token : undefined;
  } catch {
    return undefined;
  }
}

function frameKind(msg: ClientEvent, agent: boolean): FrameKind {
  switch (msg.type) {
    case 'message.send':
      return 'send';
    // an agent resumes each conversation it follows, as it subscribes to them
    case 'resume':
      return agent ? 'subscribe' : 'resume';
    case 'subscribe':
    case 'unsubscribe':
      return 'subscribe';
    case 'typing':
      return 'typing';
    case 'ping':
      return 'ping';
    default:
      return 'other';
  }
}

export function registerSocketRoutes(app: FastifyInstance, deps: Deps, users: UserSockets, agents: AgentSockets) {
  const cap = connectionCap(deps.config.WS_MAX_CONNECTIONS_PER_IP);

  // @fastify/websocket's own 'error' listener holds the handshake's request and reply (with their
  // logger) for as long as the socket is open: replaced by one holding nothing. With the response
  // detached from the socket (app.ts), an idle socket holds 5.5–6 KB instead of 8.5–9.2 KB
  function onSocketError(this: WebSocket, err: Error) {
    deps.log.debug({ err }, 'socket error');
    this.terminate();
  }

  // public: the socket authenticates itself (below), by token, first frame or the desk's cookie
  app.get('/api/v1/ws', { websocket: true, config: { access: 'public', doc: SOCKET_DOC }, onRequest: cap.admit }, (socket, req) => {
    socket.removeAllListeners('error');
    socket.on('error', onSocketError);
    // read from the request now: the closures below must not keep it (see above)
    const queryToken = (req.query as { token?: unknown }).token;
    const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
    const fromDesk = isDeskOrigin(req, deps.config.PUBLIC_URL);

    const send = eventSender(socket, deps.config.WS_MAX_BUFFERED_BYTES);
    const limits = new FrameLimits(deps.config.RATE_LIMIT_MESSAGES_PER_MINUTE);
    let session: SocketSession | undefined;
    let agent = false;
    /** frames that came while authenticating, handled in order once it is done */
    const early: Buffer[] = [];
    let earlyBytes = 0;
    /** set while the first frame is awaited to decide between an `auth` frame and the cookie */
    let firstFrame: ((raw: Buffer | undefined) => void) | undefined;

    const closeFor = (code: number, errorCode: ErrorCode, message: string) => {
      send({ type: 'error', error: { code: errorCode, message } });
      socket.close(code, errorCode);
    };

    /** counts the frame against its bucket; false when it is refused (and answered) */
    const admit = (kind: FrameKind, refuse: () => void): boolean => {
      const verdict = limits.take(kind);
      if (verdict === 'ok') return true;
      refuse();
      if (verdict === 'close') {
        socket.close(SocketClose.POLICY_VIOLATION, 'RATE_LIMITED');
        // a client that floods may not read either: its close frame is not waited for long
        setTimeout(() => socket.terminate(), 1000).unref();
      }
      return false;
    };
    const rateLimited = () => send({ type: 'error', error: { code: 'RATE_LIMITED', message: 'Too many frames on this socket; slow down' } });

    const handle = (data: Buffer) => {
      let raw: { type?: unknown; clientMessageId?: unknown } | null;
      try {
        // UTF-8 checked, and no NUL (which PostgreSQL cannot store): the same rule as HTTP bodies
        raw = parseJson(data) as typeof raw;
      } catch (err) {
        const e = err instanceof AppError && err.code !== 'INVALID_JSON' ? err : undefined;
        if (admit('other', rateLimited)) send({ type: 'error', error: e ? { code: e.code, message: e.message } : { code: 'INVALID_JSON' as const, message: 'Socket messages must be JSON' } });
        return;
      }
      let msg: ClientEvent;
      try {
        msg = parse(ClientEvent, raw);
      } catch (err) {
        if (!admit('other', rateLimited)) return;
        // the same error codes as POST /messages (TEXT_TOO_LONG, VALIDATION_FAILED); a refused send
        // names its message, so the client can mark it not sent
        const error = err instanceof AppError ? { code: err.code, message: err.message } : { code: 'VALIDATION_FAILED' as const, message: 'Unknown or malformed socket message' };
        if (raw?.type === 'message.send' && typeof raw.clientMessageId === 'string') send({ type: 'message.rejected', clientMessageId: raw.clientMessageId.slice(0, 200), error });
        else send({ type: 'error', error });
        return;
      }
      const refuse =
        msg.type === 'message.send'
          ? () => send({ type: 'message.rejected', clientMessageId: msg.clientMessageId, error: { code: 'RATE_LIMITED', message: 'Too many messages; wait a moment' } })
          : rateLimited;
      if (admit(frameKind(msg, agent), refuse)) session?.onFrame(msg);
    };

    socket.on('message', (data: Buffer) => {
      if (firstFrame) return firstFrame(data);
      if (session) return handle(data);
      earlyBytes += data.length;
      if (earlyBytes > MAX_EARLY_BYTES) return void socket.close(SocketClose.POLICY_VIOLATION, 'RATE_LIMITED');
      early.push(data);
    });
    socket.once('close', () => firstFrame?.(undefined));

    /** the first frame, or undefined after `ms` or when the socket closes */
    const nextFrame = (ms: number) =>
      new Promise<Buffer | undefined>((resolve) => {
        const timer = setTimeout(() => firstFrame?.(undefined), ms);
        firstFrame = (raw) => {
          firstFrame = undefined;
          clearTimeout(timer);
          resolve(raw);
        };
      });

    const credential = async (): Promise<{ token: string; viaCookie: boolean } | undefined> => {
      if (typeof queryToken === 'string' && queryToken) return { token: queryToken, viaCookie: false };
      const first = await nextFrame(cookie ? COOKIE_DECISION_MS : AUTH_FRAME_WAIT_MS);
      const token = first === undefined ? undefined : authFrameToken(first);
      if (token) return { token, viaCookie: false };
      // any other first frame is the client's first request, handled once it is authenticated
      if (first !== undefined) early.push(first);
      return cookie ? { token: cookie, viaCookie: true } : undefined;
    };

    void (async () => {
      const cred = await credential();
      if (socket.readyState !== socket.OPEN) return;
      if (!cred) {
        return closeFor(SocketClose.UNAUTHORIZED, 'UNAUTHORIZED', 'Send the token as ?token= or as the first frame {"type":"auth","token":"…"}');
      }
      // the cookie goes with a handshake from any page of the same site: only the desk's page may use it
      if (cred.viaCookie && !fromDesk) {
        return closeFor(SocketClose.ORIGIN_REJECTED, 'ORIGIN_REJECTED', 'This origin may not open a cookie-authenticated socket');
      }
      agent = cred.viaCookie || cred.token.startsWith('as_');
      try {
        session = agent ? await agents.open(socket, cred.token, send) : await users.open(cred.token, send);
      } catch (err) {
        if (socket.readyState !== socket.OPEN) return;
        // the store down (a full disk, PostgreSQL unreachable): try again later, not a bug
        if (isStorageUnavailable(err)) return closeFor(1013, 'STORAGE_UNAVAILABLE', 'Storage is unavailable; retry later');
        const e = err instanceof AppError ? err : undefined;
        if (!e) deps.log.error({ err }, 'could not open a socket');
        const code = !e ? 1011 : e.code === 'TOO_MANY_CONNECTIONS' ? SocketClose.POLICY_VIOLATION : SocketClose.UNAUTHORIZED;
        closeFor(code, e?.code ?? 'INTERNAL', e?.message ?? 'Could not open the socket');
        return;
      }
      const s = session;
      // closed meanwhile (by the client, or by a revocation that came while opening)
      if (socket.readyState !== socket.OPEN) return s.onClose();
      socket.once('close', () => s.onClose());
      for (const raw of early.splice(0)) handle(raw);
    })();
  });
}
