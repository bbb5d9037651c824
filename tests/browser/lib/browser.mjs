// Drives Debian's chromium through playwright-core for the kiosk tests: a fresh profile per browser,
// no network beyond the daemon, and every console error and page error collected so tests can assert
// there were none.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { BUILD_DIR, SOURCE_DIR, tempDir } from '../../integration/lib/daemon.mjs';

export const CHROMIUM = process.env.CRYFTEE_CHROMIUM ?? '/usr/bin/chromium';
const kArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export const SCREENSHOT_DIR = path.join(BUILD_DIR, 'screenshots');
export const DOCS_SCREENSHOT_DIR = path.join(SOURCE_DIR, 'docs', 'screenshots');

// Opens a fresh browser with one page. `problems` collects console errors and uncaught page errors.
// `args` are extra chromium switches (e.g. --host-resolver-rules to point a name at the daemon).
export async function openBrowser({ viewport = { width: 1280, height: 900 }, colorScheme = 'light', args = [] } = {}) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh --with-browser`);
  const context = await chromium.launchPersistentContext(tempDir('cryftee-chromium-'), {
    executablePath: CHROMIUM, headless: true, args: [...kArgs, ...args], viewport, colorScheme,
  });
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { context, page, problems, close: () => context.close() };
}

// Saves a screenshot under the build directory; with CRYFTEE_UPDATE_SCREENSHOTS=1 also into docs/.
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.CRYFTEE_UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync(DOCS_SCREENSHOT_DIR, { recursive: true });
    fs.copyFileSync(file, path.join(DOCS_SCREENSHOT_DIR, `${name}.png`));
  }
  return file;
}

export function kioskUrl(daemon, hash = 'overview') {
  return `http://127.0.0.1:${daemon.port}/#${hash}`;
}
