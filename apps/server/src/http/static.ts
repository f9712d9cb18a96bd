// The built widget (widget.js and its demo page at /) and the agent desk (/desk/), with a page that
// says how to build them when they are missing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

// from src/http/ (tests) and dist/http/ (built) alike: apps/server/<x>/http/ → apps/
const appsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function registerStatic(app: FastifyInstance) {
  const widgetDist = path.join(appsDir, 'widget', 'dist');
  const deskDist = path.join(appsDir, 'desk', 'dist');
  const missing = (what: string) =>
    `<!doctype html><meta charset="utf-8"><title>Baton</title><p>The ${what} is not built yet. Run <code>npm run build</code> (or <code>npm start</code>, which builds first).</p>`;

  app.get('/widget.js', async (_req, reply) => {
    const file = path.join(widgetDist, 'widget.js');
    if (!fs.existsSync(file)) return reply.status(404).type('text/javascript').send('/* widget not built: run npm run build */');
    return reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=300')
      .header('Access-Control-Allow-Origin', '*')
      .send(fs.createReadStream(file));
  });
  app.get('/', async (_req, reply) => {
    const file = path.join(widgetDist, 'index.html');
    if (!fs.existsSync(file)) return reply.type('text/html').send(missing('demo page'));
    return reply.type('text/html; charset=utf-8').send(fs.createReadStream(file));
  });
  app.get('/desk', async (_req, reply) => reply.redirect('/desk/'));
  if (fs.existsSync(deskDist)) {
    app.register(fastifyStatic, { root: deskDist, prefix: '/desk/', decorateReply: false, index: ['index.html'] });
  } else {
    app.get('/desk/', async (_req, reply) => reply.type('text/html').send(missing('agent desk')));
  }
}
