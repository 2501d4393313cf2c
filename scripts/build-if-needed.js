// `npm start` on a fresh clone builds once; later starts skip the build unless a source file changed.
// `npm test` runs it too (test/support/build-once.ts): the CLI tests spawn the built CLI and the
// browser tests load the built web app.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const output = "dist/cli/main.js";
// The web app's build; it only reads the server's types, so only web/ changes call for a new one.
const webOutput = "dist/web/index.html";

function newestSourceTime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? newestSourceTime(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

if (!existsSync(output) || newestSourceTime("src") > statSync(output).mtimeMs) {
  console.log("Building Tend…");
  // Emit only: type checking is `npm run check`'s job, and skipping it halves the build.
  execFileSync(
    process.execPath,
    ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json", "--noCheck"],
    {
      stdio: "inherit",
    },
  );
}

if (!existsSync(webOutput) || newestSourceTime("web") > statSync(webOutput).mtimeMs) {
  console.log("Building the web app…");
  execFileSync(
    process.execPath,
    ["node_modules/vite/bin/vite.js", "build", "--config", "web/vite.config.ts"],
    // A NODE_ENV left at development or test in the shell would bundle React's development build.
    { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } },
  );
}
