import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app's build. `node --import tsx dashboard/build.ts` builds it into dist/ (git-ignored);
 * `npx vite --config dashboard/web/vite.config.ts` serves it with hot reload, its API requests
 * sent to a dashboard server on the default port.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs: the page is always `<root path>/`, so they follow kubectl ramp dashboard --root-path.
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // recharts is most of the bundle; one chunk keeps the page to two requests.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': 'http://127.0.0.1:3100' },
  },
});
