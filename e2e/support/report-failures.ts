import { afterEach } from "vitest";
import { describeBrowser, openBrowsers } from "./chromium.js";

// A browser test that times out says only which locator it waited for. What the page showed instead
// (an error, a spinner, another address) and which request never came back is what explains a
// failure seen once on CI and never here, so every failed browser test prints it.
afterEach(async ({ task }) => {
  if (task.result?.state !== "fail") return;
  for (const browser of openBrowsers.keys()) {
    console.error(
      `\n--- ${task.name}: the browser's state at the failure\n${await describeBrowser(browser)}`,
    );
  }
});
