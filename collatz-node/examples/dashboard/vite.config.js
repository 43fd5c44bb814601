// Vite configuration of the dashboard's browser page: the page's sources live in page/ and
// are built into dist/ (served by server/main.js) with content-hashed asset names, so the
// server can send them with long-lived cache headers. `vite` (dev) proxies the API to the
// service on port 8080.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./page'),
  base: '/',
  publicDir: false,
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
    assetsDir: 'assets',
    rollupOptions: {
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  worker: {
    format: 'es',
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true },
      '/metrics': 'http://127.0.0.1:8080',
    },
  },
});
