// Headless Chromium for the e2e suite (Debian's /usr/bin/chromium with the flags TOOLCHAIN.md lists).
// A missing browser is an error, never a skip.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Path of the browser the suite drives. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Folder for screenshots and measurement files (repo-root test-results/e2e). */
export const ARTIFACT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test-results', 'e2e');

/** Launches Chromium; throws with the install command when it is absent. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`e2e: ${CHROMIUM_PATH} is missing; install it with "apt-get update && apt-get install -y chromium"`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-swiftshader'],
  });
}

/**
 * Opens the page at `url` in a 1440x900 viewport and collects console errors into `errors`;
 * `initScript` runs in the page before its own scripts (e.g. a fake navigator.getGamepads).
 */
export async function openPage(browser: Browser, url: string, errors: string[] = [], options: { initScript?: string } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  if (options.initScript) await page.addInitScript(options.initScript);
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url);
  return page;
}

/** Saves a screenshot under test-results/e2e/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACT_DIR, { recursive: true });
  const path = join(ARTIFACT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes; throws `what` on timeout. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 15_000, intervalMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
