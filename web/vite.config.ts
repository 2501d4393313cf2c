import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** The agent workspace (and later the portal): built to dist/web, which Tend serves at `/`. */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    // Tend's Content-Security-Policy allows scripts and styles from 'self' only: never inline an asset.
    assetsInlineLimit: 0,
  },
  server: { proxy: { "/api": "http://localhost:8080" } },
});
