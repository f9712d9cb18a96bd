// Debian's Chromium driven by playwright-core (never a downloaded browser). Screenshots go to
// test-artifacts/ so a person can look at what the tests saw.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test-artifacts');

export function chromiumAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`Chromium is required in CI but missing at ${CHROMIUM} (apt-get install -y chromium)`);
  console.warn(`\n!!! Chromium missing at ${CHROMIUM}: browser tests are SKIPPED locally (apt-get install -y chromium) !!!\n`);
  return false;
}

const APPS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BUILT = { widget: 'widget/dist/widget.js', desk: 'desk/dist/index.html' } as const;

/**
 * Whether a file's browser tests can run: the UIs they load are built (CI must have built them:
 * `npm run build`) and Chromium is there.
 */
export function browserTestsCanRun(uis: ReadonlyArray<keyof typeof BUILT>): boolean {
  const built = uis.every((u) => fs.existsSync(path.join(APPS, BUILT[u])));
  if (!built && process.env.CI) throw new Error(`${uis.join(' and ')} must be built before the browser tests (npm run build)`);
  return built && chromiumAvailable();
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Opens the desk at `baseUrl` and signs in (the first admin of the test servers unless told). */
export async function signInToDesk(page: Page, baseUrl: string, email = 'admin@example.com', password = 'admin-password'): Promise<void> {
  await page.goto(`${baseUrl}/desk/`);
  await page.fill('[data-testid=login-email]', email);
  await page.fill('[data-testid=login-password]', password);
  await page.click('[data-testid=login-submit]');
  // the desk is up and has chosen its first page: a page.goto to a deep link from here is not
  // overwritten by that first choice (a race that sent a test to the queue instead of its chat)
  await page.waitForSelector('[data-testid=nav-queue]');
  await page.waitForFunction(() => window.location.hash.length > 2);
}
