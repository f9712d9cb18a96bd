// The desk is served by the Baton server at /desk/; in `vite dev` the API is proxied to a local server.
// The build writes .br and .gz next to each asset, which the server sends to clients that accept them.
import { defineConfig } from 'vite';
import { precompress } from '../../tools/precompress.mjs';

export default defineConfig({
  base: '/desk/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  plugins: [precompress()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 800 },
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } },
  },
});
