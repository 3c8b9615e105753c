import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The UI calls the API on its own origin under /api; the dev and preview servers forward it.
const api = process.env.LEADFLOW_API_URL ?? 'http://127.0.0.1:3000';

// The built UI is served with the usual security headers. Its scripts and styles are files of its
// own origin; React Flow and the charts set inline styles, and icons may be data: URLs. (The dev
// server runs inline scripts for hot reload, so it goes without them.)
const securityHeaders = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

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
      // Large libraries in chunks of their own: the RE2 engine the validator checks patterns with,
      // React Flow (with the d3 parts only it uses), and the charts (with theirs); d3 parts both use
      // fall into a shared chunk, so a chart screen does not load React Flow.
      output: {
        codeSplitting: {
          groups: [
            { name: 're2js', test: /node_modules[\\/]re2js/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|use-sync-external-store)[\\/]/, priority: 2 },
            { name: 'd3-common', test: /node_modules[\\/]d3-(interpolate|color|ease|timer)[\\/]/, priority: 1 },
            { name: 'react-flow', test: /node_modules[\\/](@xyflow|d3-(drag|zoom|selection|dispatch|transition)[\\/])/ },
            { name: 'charts', test: /node_modules[\\/](recharts|victory-vendor|d3-(scale|shape|array|format|time|time-format|path)[\\/])/ },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': api } },
  preview: { proxy: { '/api': api }, headers: securityHeaders },
});
