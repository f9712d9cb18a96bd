// CORS for the Channel API only: the widget runs on the customers' own sites. The desk and the admin
// API are same-origin and get no CORS headers.
import type { FastifyInstance } from 'fastify';

/** `origins`: CORS_ORIGINS, comma-separated, `*` for any */
export function installCors(app: FastifyInstance, origins: string): void {
  const allowed = origins.split(',').map((o) => o.trim()).filter(Boolean);
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (!origin || !req.url.startsWith('/api/v1/conversations')) return;
    if (allowed.includes('*') || allowed.includes(origin)) {
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Vary', 'Origin');
      reply.header('Access-Control-Allow-Headers', 'Authorization, Content-Type, Idempotency-Key');
      reply.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      reply.header('Access-Control-Max-Age', '600');
      // the transcript's file name, for the widget's download
      reply.header('Access-Control-Expose-Headers', 'Content-Disposition');
    }
    if (req.method === 'OPTIONS') return reply.status(204).send();
  });
}
