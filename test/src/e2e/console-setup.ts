// What the console's browser suites share: a real `spire-server run` with the console on, Debian's
// Chromium driven by playwright-core (never a downloaded browser), and a login through the
// one-time link that `spire-server console login` prints.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ServerProcess, freePort } from './harness.js';

/** Debian's Chromium (`apt-get install chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Why the browser suites cannot run here, or undefined when they can. CI sets
 * SPIRE_TEST_REQUIRE_CHROMIUM=1 so that a missing browser fails instead of skipping.
 */
export function browserSkip(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.env.SPIRE_TEST_REQUIRE_CHROMIUM === '1') throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium)`);
  return `${CHROMIUM} is missing`;
}

/** Where the suites write the screenshots docs/console.md shows (repo docs/images). */
export const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'images');

/** A server with the console on, and a headless browser pointed at it. */
export class ConsoleRig {
  readonly server: ServerProcess;
  consolePort = 0;
  browser?: Browser;
  context?: BrowserContext;

  constructor(td = 'example.org') {
    this.server = new ServerProcess(td);
  }

  /** The console's base URL. */
  get origin(): string {
    return `https://127.0.0.1:${this.consolePort}`;
  }

  /** Starts the server with a `console` block (extra lines go inside it) and the browser. */
  async start(opts: { consoleExtra?: string; extraServer?: string; extraBlocks?: string } = {}): Promise<void> {
    this.consolePort = await freePort();
    await this.server.start({
      extraServer: opts.extraServer,
      logLevel: 'INFO',
      extraBlocks: `console {
  bind_address = "127.0.0.1"
  bind_port = ${this.consolePort}
  ${opts.consoleExtra ?? ''}
}
${opts.extraBlocks ?? ''}`,
    });
    const { chromium } = await import('playwright-core');
    this.browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    this.context = await this.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
  }

  /** A one-time login link, from the CLI over the admin socket. */
  loginLink(): string {
    const out = this.server.cli('console', 'login');
    const m = /https:\/\/\S+/.exec(out);
    if (!m) throw new Error(`no login link in: ${out}`);
    return m[0];
  }

  /** A new page, logged in through a fresh link, showing `route` (e.g. `#/entries`). */
  async loggedIn(route = '#/server'): Promise<Page> {
    const page = await this.context!.newPage();
    await page.goto(this.loginLink());
    await page.goto(`${this.origin}/${route}`);
    return page;
  }

  /** Saves a screenshot of the page as docs/images/console-<name>.png. */
  async screenshot(page: Page, name: string): Promise<void> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `console-${name}.png`), fullPage: false });
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.server.stop();
  }
}
