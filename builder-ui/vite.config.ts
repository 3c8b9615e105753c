import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The UI calls the API on its own origin under /api; the dev and preview servers forward it.
const api = process.env.LEADFLOW_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      // React Flow marks its modules "use client" for server-component bundlers; meaningless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': api } },
  preview: { proxy: { '/api': api } },
});
