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
      // The editor's large libraries in chunks of their own: the RE2 engine the validator checks patterns with, and React Flow.
      output: {
        codeSplitting: {
          groups: [
            { name: 're2js', test: /node_modules[\\/]re2js/ },
            { name: 'react-flow', test: /node_modules[\\/](@xyflow|d3-)/ },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': api } },
  preview: { proxy: { '/api': api } },
});
