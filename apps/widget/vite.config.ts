// One self-contained file: dist/widget.js (IIFE, CSS inside), plus the demo page dist/index.html
// (copied by scripts/copy-demo.mjs); each with a .br and a .gz the server sends when accepted.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from '../../tools/precompress.mjs';

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@baton\/proto$/, replacement: fileURLToPath(new URL('../../packages/proto/src/index.ts', import.meta.url)) },
      // plain values without zod (the attachment allow-list)
      { find: /^@baton\/proto\/constants$/, replacement: fileURLToPath(new URL('../../packages/proto/src/constants.ts', import.meta.url)) },
    ],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2019',
    lib: { entry: 'src/main.tsx', formats: ['iife'], name: 'BatonWidget', fileName: () => 'widget.js' },
    minify: true,
    reportCompressedSize: false,
  },
});
