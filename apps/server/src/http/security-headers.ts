// Response headers that keep the desk (which shows customers' data to logged-in agents) from being
// framed, from loading script from anywhere but itself, and from leaking its URLs in Referer.
import type { FastifyInstance } from 'fastify';

/** The desk is a built single-page app: its own scripts and styles only; images from cards may be any https host. */
export const DESK_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // React sets style properties through the CSSOM (not blocked); 'unsafe-inline' covers style attributes in markup
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    if (req.url === '/desk' || req.url.startsWith('/desk/')) {
      reply.header('Content-Security-Policy', DESK_CSP);
      reply.header('X-Frame-Options', 'DENY');
      reply.header('Referrer-Policy', 'same-origin');
    } else if (req.url.startsWith('/api/')) {
      // API answers are data, never a page to render or frame (a route that serves a document sets a
      // policy of its own that is as strict: the HTML transcript; downloads add sandbox)
      if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
      reply.header('Referrer-Policy', 'no-referrer');
    }
  });
}
