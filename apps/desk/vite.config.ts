// The desk is served by the Baton server at /desk/; in `vite dev` the API is proxied to a local server.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/desk/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 800 },
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } },
  },
});
