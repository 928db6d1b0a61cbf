import type { Browser, Locator, Page, Request, Route } from 'playwright-core';
import request from 'supertest';
import { createCoupon } from '../factories/coupon.factory';
import { createProduct, ProductJson, setStock } from '../factories/product.factory';
import { freePort } from '../helpers/app-process';
import { FacebookMock, startFacebookMock } from '../helpers/facebook-mock';
import { ADMIN_KEY, startTestApp, TestApp } from '../helpers/test-app';
import { launchChromium, openShopper, Shopper } from './browser';

// The storefront in real headless Chromium (Debian's chromium, driven by playwright-core) against the
// app listening on a free port, with Facebook login on against the local OAuth2 server.

jest.setTimeout(90_000);

// what the functions run in the page use (the tests compile without the DOM library)
declare const document: { documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number };
declare const localStorage: { getItem(key: string): string | null };

/** Polls `check` until it holds (the page updates after its API calls answer). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

const textOf = async (loc: Locator) => (await loc.innerText()).replace(/\s+/g, ' ').trim();
/** Waits until `loc` is visible and reads `text` (text a shopper cannot see does not count). */
const hasText = (loc: Locator, text: string | RegExp) => until(`${String(loc)} to read ${String(text)}`, async () => {
  if (!(await loc.isVisible())) return false;
  const t = await textOf(loc);
  return typeof text === 'string' ? t.includes(text) : text.test(t);
});

/** The page's parts, by what a shopper sees (roles and labels). */
function shop(page: Page) {
  return {
    product: (name: string) => page.locator('.product').filter({ has: page.getByRole('heading', { name, exact: true }) }),
    addButton: (name: string) => page.getByRole('button', { name: `Add ${name} to cart`, exact: true }),
    line: (name: string) => page.locator('#cart-lines .line').filter({ has: page.locator('.line-name', { hasText: name }) }),
    quantity: (name: string) => page.getByLabel(`Quantity of ${name}`, { exact: true }),
    plusOne: (name: string) => page.getByRole('button', { name: `+1 ${name}`, exact: true }),
    remove: (name: string) => page.getByRole('button', { name: `Remove ${name}`, exact: true }),
    total: page.locator('#total'),
    discount: page.locator('#discount'),
    message: page.locator('#message-text'),
    notices: page.locator('#notices'),
    checkout: page.getByRole('button', { name: 'Place order' }),
    login: page.getByRole('link', { name: 'Log in with Facebook' }),
    logout: page.getByRole('button', { name: 'Log out' }),
    order: page.locator('#order'),
    cartCount: page.locator('#cart-count'),
    ready: () => page.waitForSelector('body.is-ready'),
    storage: (key: string) => page.evaluate((k) => localStorage.getItem(k), key),
  };
}

describe('Storefront in Chromium (e2e)', () => {
  let fb: FacebookMock;
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const shoppers: Shopper[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    [fb, browser] = await Promise.all([startFacebookMock(), launchChromium()]);
    // login on, AUTH_SUCCESS_REDIRECT unset: the callback sends the browser back to the storefront
    t = await startTestApp('storefront_browser', { ...fb.env, FACEBOOK_CALLBACK_URL: `${base}/auth/facebook/callback`, AUTH_SUCCESS_REDIRECT: undefined, STOREFRONT: 'true' });
    await t.app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    for (const s of shoppers) await s.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await fb?.stop();
  });

  const admin = {
    patch: (p: ProductJson, body: object) => request(t.http).patch(`/api/products/${p.id}`).set('X-API-Key', ADMIN_KEY).send(body).expect(200),
    remove: (p: ProductJson) => request(t.http).delete(`/api/products/${p.id}`).set('X-API-Key', ADMIN_KEY).expect(204),
  };

  it('an anonymous shopper browses, adds, changes quantities, meets stock changes and a price change, uses a coupon, checks out and sees the order', async () => {
    const chair = await createProduct(t, { name: 'Plastic chair', price: 19.99, quantity: 10 });
    const bucket = await createProduct(t, { name: 'Bucket', price: 5, quantity: 8 });
    await createProduct(t, { name: 'Desk lamp', price: 24.5, quantity: 0 });
    const hose = await createProduct(t, { name: 'Garden hose', price: 31.75, quantity: 5 });
    const kite = await createProduct(t, { name: 'Paper kite', price: 7.25, quantity: 5 });
    await createCoupon(t, { code: 'spring20', name: 'Spring: 20% off chairs', multiplier: 0.8, products: [chair.id] });

    const s = await openShopper(browser, base, 'anonymous shopper');
    shoppers.push(s);
    const { page } = s;
    const ui = shop(page);

    await s.step('browse', async () => {
      await page.goto('/');
      await ui.ready();
      expect(await textOf(ui.product('Plastic chair'))).toMatch(/19\.99 10 in stock/);
      expect(await textOf(ui.product('Bucket'))).toMatch(/5\.00 8 in stock/);
      expect(await textOf(ui.product('Desk lamp'))).toMatch(/24\.50 Out of stock/);
      expect(await ui.addButton('Desk lamp').isDisabled()).toBe(true);
      expect(await ui.login.isVisible()).toBe(true);
      expect(await textOf(page.locator('#cart'))).toContain('Your cart is empty.');
      expect(await ui.storage('cartwheel.sid')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    });

    await s.step('add', async () => {
      await ui.addButton('Plastic chair').click();
      await hasText(ui.line('Plastic chair'), '19.99');
      expect(await ui.quantity('Plastic chair').inputValue()).toBe('1');
      await hasText(ui.total, '19.99');
      expect(await textOf(ui.cartCount)).toBe('(1 item)');
      expect(await textOf(ui.message)).toBe('Added “Plastic chair” to your cart.');
    });

    await s.step('plus one from the keyboard, nothing moves', async () => {
      const heading = await page.locator('#products-title').boundingBox();
      const card = await ui.product('Bucket').boundingBox();
      await ui.plusOne('Plastic chair').focus();
      const button = await ui.plusOne('Plastic chair').boundingBox();
      await page.keyboard.press('Enter');
      await until('quantity 2', async () => (await ui.quantity('Plastic chair').inputValue()) === '2');
      await hasText(ui.total, '39.98');
      // the button keeps the focus and its place; the products do not move
      expect(await page.locator(':focus').getAttribute('data-focus')).toBe(`inc-${chair.id}`);
      expect(await ui.plusOne('Plastic chair').boundingBox()).toEqual(button);
      expect(await page.locator('#products-title').boundingBox()).toEqual(heading);
      expect(await ui.product('Bucket').boundingBox()).toEqual(card);
    });

    await s.step('set the quantity', async () => {
      await ui.quantity('Plastic chair').fill('4');
      await ui.quantity('Plastic chair').press('Enter');
      await hasText(ui.line('Plastic chair'), '79.96');
      await hasText(ui.total, '79.96');
      expect(await textOf(ui.cartCount)).toBe('(4 items)');
    });

    await s.step('more than the stock is refused in words', async () => {
      await ui.quantity('Plastic chair').fill('11');
      await ui.quantity('Plastic chair').press('Enter');
      await hasText(ui.message, 'Sorry, only 10 units of “Plastic chair” in stock (you have 4 in your cart).');
      await until('the quantity back at 4', async () => (await ui.quantity('Plastic chair').inputValue()) === '4');
      expect(await page.locator('#message').getAttribute('class')).toContain('is-error');
    });

    await s.step('add more products', async () => {
      for (const name of ['Garden hose', 'Paper kite', 'Bucket']) {
        await ui.addButton(name).click();
        await hasText(ui.line(name), name);
      }
      await ui.quantity('Bucket').fill('3');
      await ui.quantity('Bucket').press('Enter');
      await hasText(ui.cartCount, '(9 items)');
    });

    await s.step('an admin lowers stock and deletes a product: the cart says so', async () => {
      await setStock(t, hose.id, 0);
      await setStock(t, bucket.id, 1);
      await admin.remove(kite);
      await ui.plusOne('Plastic chair').click();
      await until('quantity 5', async () => (await ui.quantity('Plastic chair').inputValue()) === '5');
      await hasText(ui.line('Garden hose'), 'Sold out since you added it. Remove it to place your order.');
      await hasText(ui.line('Bucket'), 'Only 1 left. Lower the quantity to 1 to place your order.');
      await hasText(ui.notices, '“Paper kite” is no longer sold and was taken out of your cart.');
      expect(await ui.line('Paper kite').count()).toBe(0);
      expect(await ui.product('Paper kite').count()).toBe(0);
      expect(await ui.checkout.isDisabled()).toBe(true);
      expect(await textOf(page.locator('#checkout-note'))).toBe('Some items cannot be bought right now: change or remove them to place your order.');
      // lines that cannot be bought are not in the total
      await hasText(ui.total, '99.95');
      expect(await textOf(ui.product('Garden hose'))).toContain('Out of stock');
    });

    await s.step('fix the cart', async () => {
      await ui.remove('Garden hose').click();
      await until('the hose line gone', async () => (await ui.line('Garden hose').count()) === 0);
      await ui.line('Bucket').getByRole('button', { name: 'Change to 1' }).click();
      await until('bucket at 1', async () => (await ui.quantity('Bucket').inputValue()) === '1');
      await hasText(ui.total, '104.95');
      expect(await ui.checkout.isEnabled()).toBe(true);
    });

    await s.step('coupons: unknown, applied, removed, applied again', async () => {
      await page.getByLabel('Coupon code').fill('NOPE');
      await page.getByRole('button', { name: 'Apply' }).click();
      await hasText(ui.message, 'There is no coupon with the code NOPE.');
      await page.getByLabel('Coupon code').fill('SPRING20');
      await page.getByRole('button', { name: 'Apply' }).click();
      await hasText(ui.message, 'Coupon spring20 applied: you save 19.99.');
      await hasText(ui.discount, '−19.99');
      await hasText(ui.line('Plastic chair'), 'coupon −19.99');
      await hasText(ui.total, '84.96');
      await page.getByRole('button', { name: 'Remove coupon' }).click();
      await hasText(ui.total, '104.95');
      expect(await textOf(ui.discount)).toBe('0.00');
      await page.getByLabel('Coupon code').fill('spring20');
      await page.getByLabel('Coupon code').press('Enter');
      await hasText(ui.total, '84.96');
    });

    // checkout: the page sends the total it shows and one Idempotency-Key per attempt; the test
    // watches each request, and cuts one off to play a lost answer
    const sent: { key: string; body: { expectedTotal: number } }[] = [];
    let next: 'no_answer' | 'pass' = 'pass';
    await page.route('**/api/carts/*/checkout', async (route: Route, req: Request) => {
      sent.push({ key: req.headers()['idempotency-key'], body: req.postDataJSON() as { expectedTotal: number } });
      if (next === 'no_answer') await route.abort('connectionreset');
      else await route.continue();
    });

    await s.step('prices changed: the API refuses the old total and the shopper reviews the new one', async () => {
      await admin.patch(chair, { price: 21 });
      await ui.checkout.click(); // expectedTotal 84.96, the total shown: 409 total_changed
      await hasText(ui.message, 'Prices changed, please review your cart before you place the order.');
      await hasText(ui.notices, 'The price of “Plastic chair” went up from 19.99 to 21.00.');
      await hasText(ui.total, '89.00');
      await hasText(ui.line('Plastic chair'), '105.00');
      expect(await textOf(ui.product('Plastic chair'))).toMatch(/^Plastic chair 21\.00 /);
      expect(sent).toHaveLength(1);
      expect(sent[0].body).toEqual({ expectedTotal: 84.96 });
    });

    await s.step('no answer: the page offers a safe retry', async () => {
      next = 'no_answer';
      await ui.checkout.click();
      await hasText(ui.message, 'The shop could not be reached.');
      await hasText(page.locator('#checkout-note'), 'you will not be charged twice');
      expect(sent).toHaveLength(2);
      expect(sent[1].body).toEqual({ expectedTotal: 89 });
      expect(sent[1].key).not.toBe(sent[0].key);
    });

    await s.step('retry: the order is placed and shown', async () => {
      next = 'pass';
      await ui.checkout.click();
      await hasText(ui.order, /Thank you! Your order is placed\. Order number [0-9A-F]{8} /);
      expect(sent).toHaveLength(3);
      expect(sent[2]).toEqual(sent[1]); // the same attempt: the same key and total
      const order = await textOf(ui.order);
      expect(order).toContain('5 × Plastic chair 105.00');
      expect(order).toContain('1 × Bucket 5.00');
      expect(order).toMatch(/Coupon spring20 −21\.00 Total 89\.00/);
      await hasText(page.locator('#cart'), 'Your cart is empty.');
      await hasText(ui.product('Plastic chair'), 'Only 5 left');
      expect(await page.locator(':focus').getAttribute('id')).toBe('order');
      const orders = (await request(t.http).get('/api/orders').set('X-API-Key', ADMIN_KEY).expect(200)).body as { items: { id: string; total: number }[] };
      expect(orders.items.map((o) => o.total)).toEqual([89]);
      expect(order).toContain(orders.items[0].id.slice(0, 8).toUpperCase());
    });

    expect(s.problems).toEqual([]);
  });

  it('on a phone: logs in with Facebook, merges the anonymous cart, lists "your orders", drops a revoked token, logs out', async () => {
    const cup = await createProduct(t, { name: 'Tea cup', price: 4.5, quantity: 20 });
    await createProduct(t, { name: 'Saucer', price: 3, quantity: 20 });
    await fb.setProfile({ id: 'fb-storefront', name: 'Ada Lovelace', email: 'ada@example.com' });

    const s = await openShopper(browser, base, 'login on a phone', { viewport: { width: 390, height: 844 }, mobile: true });
    shoppers.push(s);
    const { page } = s;
    const ui = shop(page);
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

    await s.step('anonymous cart on a phone', async () => {
      await page.goto('/');
      await ui.ready();
      await ui.addButton('Tea cup').click();
      await hasText(ui.line('Tea cup'), '4.50');
      await hasText(page.locator('#cart-bar'), 'Cart 1 item · 4.50');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(await ui.login.isVisible()).toBe(true);
    });

    let firstToken = '';
    await s.step('log in: back on the storefront, token kept and out of the address bar, cart merged', async () => {
      await ui.login.click();
      await page.waitForURL(`${base}/`);
      await ui.ready();
      await hasText(page.locator('#signed-in'), 'Hello, Ada Lovelace');
      await hasText(ui.message, 'Welcome, Ada Lovelace! Your cart is saved to your account.');
      expect(page.url()).toBe(`${base}/`);
      firstToken = (await ui.storage('cartwheel.token'))!;
      expect(firstToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      await hasText(ui.line('Tea cup'), '4.50');
      expect(await ui.login.isVisible()).toBe(false);
      // the user's cart holds the line; the anonymous cart was emptied by the merge
      const sid = (await ui.storage('cartwheel.sid'))!;
      const mine = (await request(t.http).get(`/api/carts/${sid}`).set(bearer(firstToken)).expect(200)).body as { items: { pid: number; incart: number }[] };
      expect(mine.items.map((i) => [i.pid, i.incart])).toEqual([[cup.id, 1]]);
      expect((await request(t.http).get(`/api/carts/${sid}`).expect(200)).body.items).toEqual([]);
    });

    await s.step('log out: the token is revoked and forgotten', async () => {
      await ui.logout.click();
      await hasText(ui.message, 'You are logged out.');
      expect(await ui.login.isVisible()).toBe(true);
      expect(await ui.storage('cartwheel.token')).toBeNull();
      await hasText(page.locator('#cart'), 'Your cart is empty.');
      await request(t.http).get('/auth/me').set(bearer(firstToken)).expect(401);
    });

    await s.step('anonymous again, then log in: the carts merge', async () => {
      await ui.addButton('Saucer').click();
      await hasText(ui.line('Saucer'), '3.00');
      await ui.plusOne('Saucer').click();
      await until('saucer at 2', async () => (await ui.quantity('Saucer').inputValue()) === '2');
      await ui.login.click();
      await page.waitForURL(`${base}/`);
      await ui.ready();
      await hasText(page.locator('#signed-in'), 'Hello, Ada Lovelace');
      await hasText(ui.line('Tea cup'), '4.50');
      await hasText(ui.line('Saucer'), '6.00');
      await hasText(ui.total, '10.50');
    });

    await s.step('check out as the user, then "your orders"', async () => {
      await page.locator('#cart-bar').click();
      await ui.checkout.click();
      await hasText(ui.order, /Thank you! Your order is placed\. Order number [0-9A-F]{8} /);
      await page.getByRole('button', { name: 'Your orders' }).click();
      const orders = page.locator('#orders');
      await until('the orders shown', () => orders.isVisible());
      expect(await orders.locator('.past-order').count()).toBe(1);
      const text = await textOf(orders.locator('.past-order'));
      expect(text).toMatch(/^Order [0-9A-F]{8} 10\.50 .* 3 items 1 × Tea cup 4\.50 2 × Saucer 6\.00$/);
      expect(await page.getByRole('button', { name: 'Your orders' }).getAttribute('aria-expanded')).toBe('true');
    });

    await s.step('a token the API no longer accepts is dropped: the shopper is anonymous again', async () => {
      const token = (await ui.storage('cartwheel.token'))!;
      await request(t.http).post('/auth/logout').set(bearer(token)).expect(204); // revoked elsewhere (another tab)
      await ui.addButton('Tea cup').click();
      await hasText(ui.message, 'Your login has expired or ended. Log in again to see your own cart.');
      expect(await ui.storage('cartwheel.token')).toBeNull();
      expect(await ui.login.isVisible()).toBe(true);
      expect(await page.locator('#orders').isVisible()).toBe(false);
      expect(await ui.logout.isVisible()).toBe(false);
    });

    expect(s.problems).toEqual([]);
  });
  it('a catalogue over one page: products shown with "Show more" stay after the page reloads the catalogue (a refused add)', async () => {
    const shelves: ProductJson[] = [];
    for (let i = 0; i < 101; i += 20) {
      shelves.push(...(await Promise.all(Array.from({ length: Math.min(20, 101 - i) }, (_, j) => createProduct(t, { name: `Shelf ${i + j + 1}`, price: 2, quantity: 1 })))));
    }
    const last = shelves.reduce((a, b) => (b.id > a.id ? b : a));
    const s = await openShopper(browser, base, 'long catalogue');
    shoppers.push(s);
    const { page } = s;
    const ui = shop(page);
    const more = page.getByRole('button', { name: 'Show more products' });

    await s.step('show more', async () => {
      await page.goto('/');
      await ui.ready();
      expect(await ui.product(last.name).count()).toBe(0); // past the first page
      await more.click();
      await hasText(ui.product(last.name), '2.00');
      expect(await more.isVisible()).toBe(false);
    });

    await s.step('a refused add reloads the catalogue, the second page included', async () => {
      await ui.addButton(last.name).click();
      await hasText(ui.line(last.name), last.name);
      await ui.addButton(last.name).click(); // stock 1: refused, and the page reloads the products
      await hasText(ui.message, /only 1|in stock/i);
      await hasText(ui.product(last.name), '2.00');
      expect(await more.isVisible()).toBe(false);
    });

    expect(s.problems).toEqual([]);
  });
});
