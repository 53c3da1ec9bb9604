// The one place that knows where Chromium is and how the suites start it headless (the element
// tests, the end-to-end tests, the consumer test and the render benchmark). The launch options
// fit both playwright-core's `chromium.launch` and @web/test-runner-chrome's `launchOptions`.
import { existsSync } from 'node:fs';

/** Flags for a headless run in a container: no sandbox (root), no GPU, no background traffic. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]);

/** `CHROME_PATH`, else Debian's `/usr/bin/chromium`; throws a message saying how to get it when absent. */
export function chromiumPath() {
  const path = process.env.CHROME_PATH || '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`Chromium not found at ${path}: apt-get install -y chromium, or set CHROME_PATH.`);
  }
  return path;
}

/** Launch options for headless Chromium: its path (checked), `headless`, and the flags above. */
export function chromiumLaunchOptions() {
  return { executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS] };
}
