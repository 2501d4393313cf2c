import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { type Figure, printFigure } from "./report.js";

const webBuildDir = fileURLToPath(new URL("../dist/web/", import.meta.url));
const kilobyte = 1024;

/**
 * The workspace's initial JavaScript, gzipped: every script and module preload `index.html` loads
 * before the first screen (lazy chunks excluded). Issue 6's target is at most 250 KB. Reads the
 * current build in dist/web: run `npm run build` first.
 */
export function measureWebBundle(dir: string = webBuildDir): Figure {
  const html = readFileSync(join(dir, "index.html"), "utf8");
  const initialScripts = [
    ...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((match) => match[1] ?? "");
  if (initialScripts.length === 0) throw new Error(`${dir}index.html loads no script: is it a Vite build?`);
  const sizes = initialScripts.map((src) => {
    const content = readFileSync(join(dir, src.replace(/^\//, "")));
    return { raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
  });
  const gzip = sizes.reduce((sum, file) => sum + file.gzip, 0);
  const raw = sizes.reduce((sum, file) => sum + file.raw, 0);
  return {
    section: "web",
    name: "workspace initial JavaScript (gzip)",
    value: gzip / kilobyte,
    unit: "KB",
    target: { comparison: "at most", value: 250 },
    detail: `${sizes.length} file(s), ${(raw / kilobyte).toFixed(1)} KB before compression`,
  };
}

// `npx tsx bench/web-bundle.ts` prints the figure on its own.
if (process.argv[1] === fileURLToPath(import.meta.url)) printFigure(measureWebBundle());
