// One Vite project, two pages: the customer card (/card) and the staff portal (/staff). The backend serves
// dist/card, dist/staff and the shared dist/assets (see mountFrontend in backend/src/app.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig, defaultClientConditions, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

const root = fileURLToPath(new URL('.', import.meta.url));
const cardEntry = fileURLToPath(new URL('./card/index.html', import.meta.url));
const staffEntry = fileURLToPath(new URL('./staff/index.html', import.meta.url));

/**
 * Records which emitted files the card page needs, so that its service worker precaches the card and not
 * the staff portal's (larger) chunks that share the dist/assets folder.
 */
function cardFiles(): { plugin: Plugin; files: Set<string> } {
  const files = new Set<string>();
  const plugin: Plugin = {
    name: 'regulars:card-files',
    apply: 'build',
    generateBundle(_options, bundle) {
      const visit = (fileName: string) => {
        if (files.has(fileName)) return;
        files.add(fileName);
        const output = bundle[fileName];
        if (!output || output.type !== 'chunk') return;
        for (const css of output.viteMetadata?.importedCss ?? []) files.add(css);
        for (const asset of output.viteMetadata?.importedAssets ?? []) files.add(asset);
        for (const next of [...output.imports, ...output.dynamicImports]) visit(next);
      };
      for (const output of Object.values(bundle)) {
        if (output.type === 'chunk' && output.isEntry && output.facadeModuleId === cardEntry)
          visit(output.fileName);
      }
    },
  };
  return { plugin, files };
}

const card = cardFiles();

export default defineConfig({
  root,
  base: '/',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: { card: cardEntry, staff: staffEntry } },
  },
  plugins: [
    react(),
    card.plugin,
    VitePWA({
      // The manifest and the registration live in the card page only (see card/index.html and
      // src/card/register-service-worker.ts); the staff portal has no service worker.
      injectRegister: false,
      manifest: false,
      filename: 'card/sw.js',
      scope: '/card/',
      base: '/',
      workbox: {
        globPatterns: ['card/**/*.{html,webmanifest,png,svg}', 'assets/**/*.{js,css}'],
        globIgnores: ['card/sw.js', 'card/workbox-*.js'],
        navigateFallback: '/card/index.html',
        navigateFallbackAllowlist: [/^\/card(\/|$)/],
        navigateFallbackDenylist: [/^\/api\//],
        clientsClaim: true,
        skipWaiting: true,
        cleanupOutdatedCaches: true,
        manifestTransforms: [
          (entries) => ({
            manifest: entries
              .filter((entry) => !entry.url.startsWith('assets/') || card.files.has(entry.url))
              // URLs are absolute because the worker lives in /card/ and the assets in /assets/.
              .map((entry) => ({ ...entry, url: `/${entry.url}` })),
            warnings: [],
          }),
        ],
      },
    }),
  ],
});
