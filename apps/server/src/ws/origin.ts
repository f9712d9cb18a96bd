// The desk's own origin, which alone may open a socket authenticated by the desk cookie: browsers
// send the cookie with a WebSocket handshake from any page of the same site (another port, a sibling
// subdomain), and only the Origin header tells such a page from the desk.
import type { FastifyRequest } from 'fastify';

/** PUBLIC_URL's origin when set, else the request's own (X-Forwarded-Proto/Host with TRUST_PROXY) */
export function deskOrigin(req: FastifyRequest, publicUrl: string | undefined): string | undefined {
  try {
    return new URL(publicUrl ?? `${req.protocol}://${req.host}`).origin;
  } catch {
    return undefined; // a Host header that is no host
  }
}

export function isDeskOrigin(req: FastifyRequest, publicUrl: string | undefined): boolean {
  const origin = req.headers.origin;
  const desk = deskOrigin(req, publicUrl);
  if (!origin || !desk) return false;
  try {
    return new URL(origin).origin === desk;
  } catch {
    return false;
  }
}
