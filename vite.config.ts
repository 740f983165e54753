import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The analyst console (web/) is built into dist/web/, which `entente serve` serves at `/` (src/http/static-web.ts).
export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // A module preload polyfill would be an inline-free script anyway; modern browsers need none.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    // Timings of a two-second build are noise in `npm run build` output.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    // `npx vite` during development: the API of a running `entente serve` on 8080.
    proxy: { '/rest': 'http://127.0.0.1:8080' },
  },
});
