// The built widget (widget.js and its demo page at /) and the agent desk (/desk/), with a page that
// says how to build them when they are missing. The build writes .br and .gz next to each asset
// (tools/precompress.mjs); they are sent to clients that accept them, nothing is compressed per request.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

// from src/http/ (tests) and dist/http/ (built) alike: apps/server/<x>/http/ → apps/
const appsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** vite names the desk's scripts and styles after their content: a changed file has a new URL. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Fixed names (index.html, widget.js, the demo page): a cache keeps them but asks with the ETag first. */
export const REVALIDATE = 'no-cache';

export interface StaticDirs {
  widget: string;
  desk: string;
}

export function registerStatic(app: FastifyInstance, dirs: StaticDirs = { widget: path.join(appsDir, 'widget', 'dist'), desk: path.join(appsDir, 'desk', 'dist') }) {
  const missing = (what: string) =>
    `<!doctype html><meta charset="utf-8"><title>Baton</title><p>The ${what} is not built yet. Run <code>npm run build</code> (or <code>npm start</code>, which builds first).</p>`;

  app.register(async (widget) => {
    // sendFile only (serve: false): the widget's two URLs are fixed, everything else in dist stays private
    await widget.register(fastifyStatic, { root: dirs.widget, serve: false, preCompressed: true, suppressWarning: true, setHeaders: (reply: FastifyReply) => reply.header('Cache-Control', REVALIDATE) });
    widget.get('/widget.js', async (_req, reply) => {
      if (!fs.existsSync(path.join(dirs.widget, 'widget.js'))) return reply.status(404).type('text/javascript').send('/* widget not built: run npm run build */');
      return reply.header('Access-Control-Allow-Origin', '*').sendFile('widget.js');
    });
    widget.get('/', async (_req, reply) => {
      if (!fs.existsSync(path.join(dirs.widget, 'index.html'))) return reply.type('text/html').send(missing('demo page'));
      return reply.sendFile('index.html');
    });
  });
  app.get('/desk', async (_req, reply) => reply.redirect('/desk/'));
  if (fs.existsSync(dirs.desk)) {
    const assets = path.join(dirs.desk, 'assets') + path.sep;
    app.register(fastifyStatic, {
      root: dirs.desk,
      prefix: '/desk/',
      decorateReply: false,
      index: ['index.html'],
      preCompressed: true,
      // the file sent may be the .br or .gz next to the asset: it lies in the same folder
      setHeaders: (reply: FastifyReply, file: string) => reply.header('Cache-Control', file.startsWith(assets) ? IMMUTABLE : REVALIDATE),
    });
  } else {
    app.get('/desk/', async (_req, reply) => reply.type('text/html').send(missing('agent desk')));
  }
}
