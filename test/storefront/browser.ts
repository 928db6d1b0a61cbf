import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

/**
 * The policy the storefront must work under (README "Storefront"): scripts, styles, images and
 * requests from this origin only, nothing inline. The tests put it on the page's document
 * themselves, so they hold the page to it whatever policy the service sends.
 */
export const STRICT_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts/storefront');

/**
 * Debian's chromium (CI installs it: .ci/run), or CHROMIUM_PATH. Missing: the tests fail, loudly;
 * they are never skipped.
 */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, ...(process.env.PATH ?? '').split(path.delimiter).flatMap((dir) => [path.join(dir, 'chromium'), path.join(dir, 'chromium-browser')])];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) {
    throw new Error(
      "Chromium is missing: the storefront's browser tests drive Debian's chromium package. Install it (apt-get update && apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH.",
    );
  }
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // root in a container: no user namespaces for the sandbox
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--disable-extensions', '--mute-audio'],
  });
}

export interface Shopper {
  context: BrowserContext;
  page: Page;
  /** What went wrong on the page: uncaught errors, console errors (CSP refusals among them). */
  problems: string[];
  /**
   * Runs one step of the journey. A screenshot of each step is kept and written on failure, to
   * test-artifacts/storefront/<test>/ (always with STOREFRONT_SCREENSHOTS=always).
   */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A fresh browser profile (own localStorage) on `baseUrl`, with the strict CSP on the page and its
 * problems collected. `name` names the test's folder of screenshots under test-artifacts/storefront.
 */
export async function openShopper(browser: Browser, baseUrl: string, name: string, options: { viewport?: { width: number; height: number }; mobile?: boolean } = {}): Promise<Shopper> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: options.viewport ?? { width: 1100, height: 800 },
    isMobile: options.mobile ?? false,
    hasTouch: options.mobile ?? false,
    deviceScaleFactor: 1,
    locale: 'en-GB',
  });
  const origin = new URL(baseUrl).origin;
  await context.route(
    (url) => url.origin === origin && url.pathname === '/',
    async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': STRICT_CSP } });
    },
  );
  const page = await context.newPage();
  const problems: string[] = [];
  const log: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    log.push(`${msg.type()}: ${msg.text()}`);
    // Chromium logs every failed request too (an error answer the page handles, a connection the
    // test cuts); anything else is a problem: a CSP refusal, an error the page did not expect
    if (msg.type() === 'error' && !/^Failed to load resource: /.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });

  const dir = path.join(ARTIFACTS, name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
  rmSync(dir, { recursive: true, force: true });
  const shots: { name: string; png: Buffer }[] = [];
  /** Writes the steps' screenshots; with `failed`, the page as it is now and what went wrong too. */
  const save = async (failed: string, err: unknown) => {
    mkdirSync(dir, { recursive: true });
    shots.forEach((s, i) => writeFileSync(path.join(dir, `${String(i + 1).padStart(2, '0')}-${s.name}.png`), s.png));
    if (!failed) return;
    const png = await page.screenshot({ fullPage: true }).catch(() => null);
    if (png) writeFileSync(path.join(dir, `${String(shots.length + 1).padStart(2, '0')}-FAILED-${failed}.png`), png);
    writeFileSync(path.join(dir, 'failure.txt'), `step: ${failed}\n${err instanceof Error ? err.stack : String(err)}\n\nproblems:\n${problems.join('\n')}\n\nconsole:\n${log.join('\n')}\n`);
  };

  return {
    context,
    page,
    problems,
    async step(stepName, fn) {
      const slug = stepName.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
      try {
        const result = await fn();
        shots.push({ name: slug, png: await page.screenshot() });
        if (process.env.STOREFRONT_SCREENSHOTS === 'always') await save('', null);
        return result;
      } catch (err) {
        await save(slug, err);
        throw new Error(`step "${stepName}" failed (screenshots in ${path.relative(process.cwd(), dir)}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    },
    close: () => context.close(),
  };
}
