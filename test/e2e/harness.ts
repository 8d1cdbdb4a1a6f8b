// Starts a real Hutong for browser tests: a temporary SQLite database, the built console (built here if missing),
// listening on a free loopback port, with a generated first-administrator password that must be changed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createHutong } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface TestServer {
  url: string;
  adminUsername: string;
  adminPassword: string;
  close(): Promise<void>;
}

/** Newest modification time under `p` (a file or a folder). */
function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(p).reduce((newest, entry) => Math.max(newest, newestMtime(path.join(p, entry))), s.mtimeMs);
}

/** Builds the console when web/dist is missing or older than its sources, so browser tests never test a stale build. */
export function ensureConsoleBuilt(): string {
  const dist = path.join(root, 'web', 'dist');
  const index = path.join(dist, 'index.html');
  const stale = !existsSync(index) || newestMtime(path.join(root, 'web', 'src')) > statSync(index).mtimeMs;
  if (stale) {
    const result = spawnSync(
      path.join(root, 'node_modules', '.bin', 'vite'),
      ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    if (result.status !== 0) throw new Error('console build failed');
  }
  return dist;
}

/** A listening Hutong on a fresh data directory; the catalogue's service topics only when `seedServiceTopics`. */
export async function startTestServer(options: { seedServiceTopics?: boolean } = {}): Promise<TestServer> {
  const webDist = ensureConsoleBuilt();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hutong-e2e-'));
  const config = loadConfig({
    env: {},
    file: '/dev/null',
    overrides: {
      dataDir,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'warn',
      services: { seedTopics: options.seedServiceTopics ?? false },
    },
  });
  const hutong = await createHutong(config, { webDist, logger: false });
  const url = await hutong.start();
  const password = hutong.firstAdmin?.generatedPassword;
  if (!password) throw new Error('expected a generated first-administrator password');
  return {
    url: url.replace('localhost', '127.0.0.1'),
    adminUsername: hutong.firstAdmin?.username ?? 'admin',
    adminPassword: password,
    close: async () => {
      await hutong.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const CHROMIUM_PATH = process.env.HUTONG_CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** A page in a zh-CN (Asia/Shanghai) browser context, as a hospital's operator sees the console. */
export async function newConsolePage(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1600, height: 1000 },
): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** Signs in as the first administrator, changing the generated password to `newPassword` on first sign-in. */
export async function signInAsAdmin(page: Page, server: TestServer, newPassword: string): Promise<void> {
  await page.goto(server.url);
  await page.waitForURL(/\/login/);
  await page.getByTestId('login-username').fill(server.adminUsername);
  await page.getByTestId('login-password').fill(server.adminPassword);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/(change-password|overview)/);
  if (page.url().includes('/change-password')) {
    await page.getByTestId('current-password').fill(server.adminPassword);
    await page.getByTestId('new-password').fill(newPassword);
    await page.getByTestId('confirm-password').fill(newPassword);
    await page.getByTestId('change-password-submit').click();
    await page.waitForURL(/\/overview/);
  }
}
