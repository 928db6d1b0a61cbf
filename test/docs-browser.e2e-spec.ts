import type { Browser } from 'playwright-core';
import { launchChromium } from './storefront/browser';
import { startTestApp, TestApp } from './helpers/test-app';

jest.setTimeout(90_000);

/**
 * Swagger UI at /docs and the storefront at / in a real browser (Debian's chromium, as the
 * storefront's browser tests), under the Content-Security-Policy the service itself sends (helmet):
 * Swagger UI renders every operation and "Try it out" reaches the API; neither page logs a CSP refusal.
 */
describe('/docs in a browser, under the service CSP (e2e)', () => {
  let t: TestApp;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    t = await startTestApp('docs_browser');
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('renders the operations and runs "Try it out" against the API', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    const response = await page.goto(`${url}/docs`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(30);

    const operation = page.locator('#operations-products-ProductsController_list');
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('.try-out__btn').click();
    await operation.locator('.execute').click();
    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor({ timeout: 10_000 });
    expect((await status.innerText()).trim()).toBe('200');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the storefront page works under the stricter policy of every other response (no inline style)', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/^Failed to load resource: /.test(msg.text())) problems.push(`console: ${msg.text()}`);
    });
    const response = await page.goto(`${url}/`);
    expect(response?.headers()['content-security-policy']).toMatch(/style-src 'self';/);
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
    await page.close();
  });
});
