// Vite build of the browser page: root is web/, output dist/web at the repository root. The page
// imports robot/ and bridge/ (client side) from the parent folder, so the dev server may read it.
import { defineConfig } from 'vite';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: resolve(here, '..', 'dist', 'web'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    sourcemap: true,
  },
  server: { fs: { allow: [resolve(here, '..')] } },
});
