// @ts-check
// The storefront page: products, the cart, coupon, checkout, login and the user's orders.
// One module, no framework: state in `state`, the page's elements updated in place (so focus stays
// where the shopper left it and nothing jumps), every cart call run one after another.

import { ApiError, NetworkError, ShopApi, newIdempotencyKey } from './api.js';
import { errorText, lineStatusText, money, noticeText, plural, removedText, stockText } from './words.js';

/** @typedef {import('./types.js').CartItem} CartItem */
/** @typedef {import('./types.js').CartView} CartView */
/** @typedef {import('./types.js').Order} Order */
/** @typedef {import('./types.js').Product} Product */
/** @typedef {import('./types.js').User} User */

const ATTEMPT_KEY = 'cartwheel.checkout';

// ---- the page's elements ----

/**
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @returns {T}
 */
function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return /** @type {T} */ (el);
}

/**
 * Builds an element: attributes as strings (true: present, false/undefined: absent), children as nodes or text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | boolean | undefined>} [attrs]
 * @param {...(Node | string)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === true) el.setAttribute(name, '');
    else if (typeof value === 'string') el.setAttribute(name, value);
  }
  el.append(...children);
  return el;
}

/** Sets text only when it differs (no needless work for the browser or a screen reader). @param {Element} el @param {string} text */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** @param {string} text */
const hiddenText = (text) => h('span', { class: 'visually-hidden' }, text);

const ui = {
  login: byId('login'),
  signedIn: byId('signed-in'),
  userName: byId('user-name'),
  ordersToggle: /** @type {HTMLButtonElement} */ (byId('orders-toggle')),
  logout: /** @type {HTMLButtonElement} */ (byId('logout')),
  productList: byId('product-list'),
  productsEmpty: byId('products-empty'),
  moreProducts: /** @type {HTMLButtonElement} */ (byId('more-products')),
  cart: byId('cart'),
  cartCount: byId('cart-count'),
  notices: byId('notices'),
  cartEmpty: byId('cart-empty'),
  cartLines: byId('cart-lines'),
  couponForm: /** @type {HTMLFormElement} */ (byId('coupon-form')),
  couponInput: /** @type {HTMLInputElement} */ (byId('coupon-code')),
  couponApplied: byId('coupon-applied'),
  couponCodeApplied: byId('coupon-code-applied'),
  couponName: byId('coupon-name'),
  couponRemove: /** @type {HTMLButtonElement} */ (byId('coupon-remove')),
  subtotal: byId('subtotal'),
  discount: byId('discount'),
  total: byId('total'),
  checkoutNote: byId('checkout-note'),
  checkout: /** @type {HTMLButtonElement} */ (byId('checkout')),
  order: byId('order'),
  orderId: byId('order-id'),
  orderLines: byId('order-lines'),
  orderTotals: byId('order-totals'),
  orderClose: /** @type {HTMLButtonElement} */ (byId('order-close')),
  orders: byId('orders'),
  ordersEmpty: byId('orders-empty'),
  ordersList: byId('orders-list'),
  message: byId('message'),
  messageText: byId('message-text'),
  messageClose: /** @type {HTMLButtonElement} */ (byId('message-close')),
  barSummary: byId('bar-summary'),
};

// ---- state ----

const state = {
  /** @type {Map<number, Product>} */
  products: new Map(),
  productsTotal: 0,
  /** Names of every product the page has seen, to name a line whose product was since deleted. @type {Map<number, string>} */
  names: new Map(),
  /** @type {CartView | null} */
  view: null,
  /** @type {User | null} */
  user: null,
  login: false,
  /** What the cart view told the shopper and they have not dismissed yet. @type {string[]} */
  notices: [],
  /**
   * The checkout attempt under way: its Idempotency-Key, reused when the shopper retries the same
   * cart (after no answer or a 5xx), and the total they were shown. A changed cart is a new attempt.
   * @type {{key: string, signature: string, total: number} | null}
   */
  attempt: readAttempt(),
  ordersOpen: false,
};

/** @param {number} pid */
const nameOf = (pid) => state.names.get(pid);

const api = new ShopApi({
  onTokenRejected() {
    // the API refused the token (expired or revoked): carry on as the anonymous shopper
    state.user = null;
    renderAccount();
    closeOrders();
    void act(async () => {
      renderCart(await api.cart());
      showMessage('Your login has expired or ended. Log in again to see your own cart.', 'error');
    });
  },
});

// ---- one cart action at a time ----

let queue = Promise.resolve();

/**
 * Runs `task` after the actions before it, so an older view never overwrites a newer one; shows
 * what went wrong in words.
 * @param {() => Promise<void>} task
 * @param {{quiet?: boolean}} [options]  quiet: keep the current message
 */
function act(task, options = {}) {
  const run = queue.then(async () => {
    if (!options.quiet) clearMessage();
    ui.cart.setAttribute('aria-busy', 'true');
    document.body.classList.add('is-busy');
    try {
      await task();
    } catch (err) {
      report(err);
    } finally {
      ui.cart.removeAttribute('aria-busy');
      document.body.classList.remove('is-busy');
    }
  });
  queue = run;
  return run;
}

/** @param {unknown} err */
function report(err) {
  if (err instanceof ApiError && err.status === 401 && !api.token) return; // onTokenRejected has said it
  if (!(err instanceof ApiError) && !(err instanceof NetworkError)) console.error(err);
  showMessage(errorText(err, nameOf), 'error');
  if (err instanceof ApiError && (err.code === 'out_of_stock' || err.code === 'product_not_found')) {
    // the stock moved under the shopper: show it as it is now
    void act(async () => {
      await loadProducts();
      renderCart(await api.cart());
    }, { quiet: true });
  }
}

// ---- messages ----

/**
 * @param {string} text
 * @param {'info' | 'error'} [kind]
 */
function showMessage(text, kind = 'info') {
  ui.message.classList.toggle('is-error', kind === 'error');
  ui.message.classList.add('is-shown');
  ui.messageText.textContent = text;
  ui.messageClose.hidden = false;
}

function clearMessage() {
  ui.message.classList.remove('is-shown', 'is-error');
  ui.messageText.textContent = '';
  ui.messageClose.hidden = true;
}

// ---- products ----

/** (Re)loads the catalogue: as many pages as are shown already ("Show more" keeps them), at least one. */
async function loadProducts() {
  const wanted = Math.max(state.products.size, 1);
  /** @type {Map<number, Product>} */
  const products = new Map();
  let total = 0;
  for (;;) {
    const page = await api.products(products.size);
    for (const p of page.items) products.set(p.id, p);
    total = page.total;
    if (page.items.length === 0 || products.size >= wanted || products.size >= total) break;
  }
  state.products = products;
  state.productsTotal = total;
  renderProducts();
}

async function loadMoreProducts() {
  const next = await api.products(state.products.size);
  for (const p of next.items) state.products.set(p.id, p);
  state.productsTotal = next.total;
  renderProducts();
}

/** @param {Product} p */
function productElement(p) {
  const add = h('button', { type: 'button', class: 'add', 'data-action': 'add', 'data-focus': `add-${p.id}` }, 'Add ', hiddenText(''), 'to cart');
  return h(
    'li',
    { class: 'product', 'data-pid': String(p.id) },
    h('h3', { class: 'product-name' }),
    h('p', { class: 'product-meta' }, h('span', { class: 'price' }), ' ', h('span', { class: 'stock' })),
    add,
  );
}

function renderProducts() {
  const list = ui.productList;
  /** @type {Map<number, HTMLElement>} */
  const existing = new Map();
  for (const el of /** @type {HTMLElement[]} */ ([...list.children])) existing.set(Number(el.dataset.pid), el);
  let previous = /** @type {Element | null} */ (null);
  for (const p of state.products.values()) {
    state.names.set(p.id, p.name);
    let el = existing.get(p.id);
    existing.delete(p.id);
    if (!el) {
      el = productElement(p);
      list.insertBefore(el, previous ? previous.nextSibling : list.firstChild);
    }
    updateProduct(el, p);
    previous = el;
  }
  for (const el of existing.values()) el.remove();
  ui.productsEmpty.hidden = state.products.size > 0;
  ui.moreProducts.hidden = state.products.size >= state.productsTotal;
}

/**
 * @param {HTMLElement} el
 * @param {Product} p
 */
function updateProduct(el, p) {
  setText(/** @type {Element} */ (el.querySelector('.product-name')), p.name);
  setText(/** @type {Element} */ (el.querySelector('.price')), money(p.price));
  const stock = /** @type {HTMLElement} */ (el.querySelector('.stock'));
  setText(stock, stockText(p.quantity));
  stock.classList.toggle('is-out', p.quantity <= 0);
  const add = /** @type {HTMLButtonElement} */ (el.querySelector('.add'));
  setText(/** @type {Element} */ (add.querySelector('.visually-hidden')), `${p.name} `);
  add.disabled = p.quantity <= 0;
}

// ---- the cart ----

/** @param {CartView} view */
function renderCart(view) {
  state.view = view;
  for (const item of view.items) state.names.set(item.pid, item.name);
  const fresh = [...view.removed.map((r) => removedText(r, nameOf(r.pid))), ...view.notices.map((n) => noticeText(n, nameOf))];
  for (const text of fresh) if (!state.notices.includes(text)) state.notices.push(text);
  renderNotices();
  if (fresh.length > 0 && !ui.message.classList.contains('is-error')) showMessage(fresh.join(' '));

  setText(ui.cartCount, view.itemCount > 0 ? `(${plural(view.itemCount, 'item')})` : '');
  ui.cartEmpty.hidden = view.items.length > 0;
  renderLines(view.items);

  const coupon = view.coupon;
  ui.couponForm.hidden = coupon !== null;
  ui.couponApplied.hidden = coupon === null;
  if (coupon) {
    setText(ui.couponCodeApplied, coupon.code);
    setText(ui.couponName, coupon.name);
  }
  setText(ui.subtotal, money(view.subtotal));
  setText(ui.discount, view.discount > 0 ? `−${money(view.discount)}` : money(0));
  setText(ui.total, money(view.total));
  renderCheckout();

  // the view knows the live price and stock of the cart's products, and which left the catalogue:
  // keep their cards in step
  for (const item of view.items) {
    const p = state.products.get(item.pid);
    if (p && (p.quantity !== item.instock || p.price !== item.price)) state.products.set(item.pid, { ...p, quantity: item.instock, price: item.price });
  }
  for (const r of view.removed) {
    if (state.products.delete(r.pid)) state.productsTotal -= 1;
  }
  renderProducts();
  setText(ui.barSummary, view.itemCount > 0 ? `${plural(view.itemCount, 'item')} · ${money(view.total)}` : 'empty');
}

function renderNotices() {
  ui.notices.replaceChildren(
    ...state.notices.map((text, i) =>
      h('li', { class: 'notice' }, h('span', {}, text), h('button', { type: 'button', class: 'link', 'data-action': 'dismiss', 'data-index': String(i), 'data-focus': `dismiss-${i}` }, 'OK', hiddenText(`: ${text}`))),
    ),
  );
}

/** @param {CartItem} item */
function lineElement(item) {
  const id = `qty-${item.pid}`;
  return h(
    'li',
    { class: 'line', 'data-pid': String(item.pid) },
    h('div', { class: 'line-head' }, h('span', { class: 'line-name' }), h('span', { class: 'line-total' })),
    h('div', { class: 'line-meta' }, h('span', { class: 'line-price' }), h('span', { class: 'line-discount' })),
    h(
      'div',
      { class: 'line-controls' },
      h('label', { for: id, class: 'visually-hidden' }),
      h('input', { id, class: 'qty', type: 'number', min: '0', max: '1000000', step: '1', inputmode: 'numeric', 'data-focus': id }),
      h('button', { type: 'button', 'data-action': 'inc', 'data-focus': `inc-${item.pid}` }, '+1', hiddenText('')),
      h('button', { type: 'button', 'data-action': 'remove', 'data-focus': `remove-${item.pid}` }, 'Remove', hiddenText('')),
    ),
    h('p', { class: 'line-status' }, h('span', { class: 'line-status-text' }), ' ', h('button', { type: 'button', class: 'link', 'data-action': 'fit', 'data-focus': `fit-${item.pid}` })),
  );
}

/** @param {CartItem[]} items */
function renderLines(items) {
  const list = ui.cartLines;
  const focused = document.activeElement instanceof HTMLElement && list.contains(document.activeElement) ? document.activeElement : null;
  /** @type {Map<number, HTMLElement>} */
  const existing = new Map();
  for (const el of /** @type {HTMLElement[]} */ ([...list.children])) existing.set(Number(el.dataset.pid), el);
  let previous = /** @type {Element | null} */ (null);
  for (const item of items) {
    let el = existing.get(item.pid);
    existing.delete(item.pid);
    if (!el) {
      el = lineElement(item);
      list.insertBefore(el, previous ? previous.nextSibling : list.firstChild);
    }
    updateLine(el, item);
    previous = el;
  }
  for (const el of existing.values()) el.remove();
  // a removed line took the focus with it: give it to the cart, not to the top of the page
  if (focused && !focused.isConnected) ui.cart.focus({ preventScroll: true });
}

/**
 * @param {HTMLElement} el
 * @param {CartItem} item
 */
function updateLine(el, item) {
  const q = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (el.querySelector(sel));
  el.classList.toggle('is-unavailable', item.status !== 'ok');
  setText(q('.line-name'), item.name);
  setText(q('.line-total'), money(item.lineTotal));
  setText(q('.line-price'), `${money(item.price)} each`);
  setText(q('.line-discount'), item.lineDiscount > 0 ? `coupon −${money(item.lineDiscount)}` : '');
  setText(q('label'), `Quantity of ${item.name}`);
  const input = /** @type {HTMLInputElement} */ (q('input'));
  // keep what the shopper is typing; otherwise show the stored quantity
  if (!(document.activeElement === input && input.dataset.dirty === '1')) {
    input.value = String(item.incart);
    delete input.dataset.dirty;
  }
  setText(q('[data-action="inc"] .visually-hidden'), ` ${item.name}`);
  setText(q('[data-action="remove"] .visually-hidden'), ` ${item.name}`);
  const status = q('.line-status');
  status.hidden = item.status === 'ok';
  status.classList.toggle('is-out', item.status === 'out_of_stock');
  setText(q('.line-status-text'), lineStatusText(item));
  const fit = /** @type {HTMLButtonElement} */ (q('[data-action="fit"]'));
  fit.hidden = item.status !== 'insufficient_stock';
  setText(fit, `Change to ${item.instock}`);
  fit.dataset.quantity = String(item.instock);
}

/** What makes one checkout attempt: the lines, their prices, the coupon and the total shown. @param {CartView} view */
const cartSignature = (view) => JSON.stringify([view.items.map((i) => [i.pid, i.incart, i.price, i.status]), view.coupon?.code ?? null, view.total]);

/** @param {CartView | null} view */
const canCheckOut = (view) => !!view && view.items.length > 0 && view.items.every((i) => i.status === 'ok');

function renderCheckout() {
  const view = state.view;
  ui.checkout.disabled = !canCheckOut(view);
  let note = '';
  if (view && view.items.some((i) => i.status !== 'ok')) note = 'Some items cannot be bought right now: change or remove them to place your order.';
  else if (view && state.attempt && state.attempt.signature === cartSignature(view)) note = 'We got no answer when you last placed this order. Press “Place order” again: you will not be charged twice.';
  setText(ui.checkoutNote, note);
}

// ---- checkout and orders ----

/** @returns {{key: string, signature: string, total: number} | null} */
function readAttempt() {
  try {
    const raw = sessionStorage.getItem(ATTEMPT_KEY);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function saveAttempt() {
  try {
    if (state.attempt) sessionStorage.setItem(ATTEMPT_KEY, JSON.stringify(state.attempt));
    else sessionStorage.removeItem(ATTEMPT_KEY);
  } catch {
    // no session storage: the attempt lives as long as the page
  }
}

/** @param {unknown} err  a failure after which the order may or may not exist: retry with the same key */
const unsure = (err) => err instanceof NetworkError || (err instanceof ApiError && (err.status >= 500 || err.status === 429 || err.code === 'checkout_in_progress'));

async function placeOrder() {
  const view = state.view;
  if (!view || !canCheckOut(view)) return;
  const signature = cartSignature(view);
  if (!state.attempt || state.attempt.signature !== signature) {
    state.attempt = { key: newIdempotencyKey(), signature, total: view.total };
    saveAttempt();
  }
  const attempt = state.attempt;
  ui.checkout.disabled = true;
  /** @type {Order} */
  let order;
  try {
    order = await api.checkout(attempt.key, attempt.total);
  } catch (err) {
    if (unsure(err)) {
      renderCheckout();
      throw err;
    }
    state.attempt = null;
    saveAttempt();
    if (err instanceof ApiError && err.code === 'total_changed') {
      // the API's current view of the cart: show it, and let the shopper review it
      const current = err.details && Array.isArray(err.details.items) ? /** @type {CartView} */ (err.details) : await api.cart();
      renderCart(current);
      showMessage(errorText(err, nameOf), 'error');
      ui.cart.focus({ preventScroll: true });
      ui.cart.scrollIntoView({ block: 'nearest' });
      return;
    }
    if (err instanceof ApiError && err.status !== 401) renderCart(await api.cart());
    else renderCheckout();
    throw err;
  }
  state.attempt = null;
  saveAttempt();
  state.notices = [];
  renderNotices();
  showOrder(order);
  renderCart(await api.cart());
  await loadProducts();
  if (state.ordersOpen) await loadOrders();
  showMessage(`Thank you! Your order ${shortId(order.id)} is placed.`);
}

/** @param {string} id */
const shortId = (id) => id.slice(0, 8).toUpperCase();

/** @param {Order} order */
function orderLines(order) {
  return order.items.map((i) =>
    h('li', {}, h('span', {}, `${i.quantity} × ${i.name}`), h('span', { class: 'amount' }, money(i.lineTotal))),
  );
}

/** @param {Order} order */
function orderTotals(order) {
  /** @type {HTMLElement[]} */
  const rows = [h('div', {}, h('dt', {}, 'Subtotal'), h('dd', {}, money(order.subtotal)))];
  if (order.discount > 0) rows.push(h('div', {}, h('dt', {}, order.coupon ? `Coupon ${order.coupon.code}` : 'Discount'), h('dd', {}, `−${money(order.discount)}`)));
  rows.push(h('div', { class: 'grand' }, h('dt', {}, 'Total'), h('dd', {}, money(order.total))));
  return rows;
}

/** @param {Order} order */
function showOrder(order) {
  ui.orderId.textContent = shortId(order.id);
  ui.orderId.title = order.id;
  ui.orderLines.replaceChildren(...orderLines(order));
  ui.orderTotals.replaceChildren(...orderTotals(order));
  ui.order.hidden = false;
  ui.order.focus({ preventScroll: true });
  ui.order.scrollIntoView({ block: 'nearest' });
}

async function loadOrders() {
  const page = await api.myOrders();
  ui.ordersEmpty.hidden = page.items.length > 0;
  ui.ordersList.replaceChildren(
    ...page.items.map((o) =>
      h(
        'li',
        { class: 'past-order' },
        h('p', { class: 'past-order-head' }, h('strong', {}, `Order ${shortId(o.id)}`), h('span', { class: 'amount' }, money(o.total))),
        h('p', { class: 'muted' }, `${new Date(o.createdAt).toLocaleString()} · ${plural(o.items.reduce((n, i) => n + i.quantity, 0), 'item')}`),
        h('ul', { class: 'order-lines' }, ...orderLines(o)),
      ),
    ),
  );
}

function closeOrders() {
  state.ordersOpen = false;
  ui.orders.hidden = true;
  ui.ordersToggle.setAttribute('aria-expanded', 'false');
}

// ---- login ----

function renderAccount() {
  const user = state.user;
  ui.login.hidden = !state.login || user !== null;
  ui.signedIn.hidden = user === null;
  ui.ordersToggle.hidden = user === null;
  ui.logout.hidden = user === null;
  if (user) setText(ui.userName, user.name);
}

/**
 * After a login the service sends the browser back to this page with the token in the fragment
 * (`#token=...`): keep it, and take it out of the address bar and the history.
 * @returns {boolean} whether a login just finished
 */
function takeTokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (!token) return false;
  api.setToken(token);
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return true;
}

// ---- events ----

/** @param {HTMLInputElement} input */
function commitQuantity(input) {
  const line = /** @type {HTMLElement} */ (input.closest('.line'));
  const pid = Number(line.dataset.pid);
  const current = state.view?.items.find((i) => i.pid === pid)?.incart;
  const text = input.value.trim();
  delete input.dataset.dirty;
  if (!/^\d{1,7}$/.test(text) || Number(text) > 1_000_000) {
    if (current !== undefined) input.value = String(current);
    showMessage('Please enter a whole number from 0 to 1,000,000.', 'error');
    return;
  }
  const quantity = Number(text);
  if (quantity === current) return;
  void act(async () => renderCart(await api.setItem(pid, quantity)));
}

function wire() {
  ui.productList.addEventListener('click', (e) => {
    const button = /** @type {HTMLElement} */ (e.target).closest('button[data-action="add"]');
    if (!button) return;
    const pid = Number(/** @type {HTMLElement} */ (button.closest('.product')).dataset.pid);
    void act(async () => {
      renderCart(await api.addItem(pid, 1));
      showMessage(`Added “${nameOf(pid) ?? 'the product'}” to your cart.`);
    });
  });
  ui.moreProducts.addEventListener('click', () => void act(loadMoreProducts));

  ui.cartLines.addEventListener('click', (e) => {
    const button = /** @type {HTMLElement} */ (e.target).closest('button[data-action]');
    if (!(button instanceof HTMLButtonElement)) return;
    const pid = Number(/** @type {HTMLElement} */ (button.closest('.line')).dataset.pid);
    const action = button.dataset.action;
    if (action === 'inc') void act(async () => renderCart(await api.addItem(pid, 1)));
    if (action === 'remove') void act(async () => renderCart(await api.removeItem(pid)));
    if (action === 'fit') void act(async () => renderCart(await api.setItem(pid, Number(button.dataset.quantity))));
  });
  ui.cartLines.addEventListener('input', (e) => {
    if (e.target instanceof HTMLInputElement) e.target.dataset.dirty = '1';
  });
  ui.cartLines.addEventListener('change', (e) => {
    if (e.target instanceof HTMLInputElement && e.target.dataset.dirty === '1') commitQuantity(e.target);
  });
  ui.cartLines.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target instanceof HTMLInputElement) {
      e.preventDefault();
      commitQuantity(e.target);
    }
  });

  ui.notices.addEventListener('click', (e) => {
    const button = /** @type {HTMLElement} */ (e.target).closest('button[data-action="dismiss"]');
    if (!(button instanceof HTMLButtonElement)) return;
    state.notices.splice(Number(button.dataset.index), 1);
    renderNotices();
    ui.cart.focus({ preventScroll: true });
  });

  ui.couponForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const code = ui.couponInput.value.trim();
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(code)) {
      showMessage(code ? 'A coupon code is 1 to 64 letters, digits, “_” or “-”.' : 'Enter a coupon code first.', 'error');
      ui.couponInput.focus();
      return;
    }
    void act(async () => {
      const view = await api.applyCoupon(code);
      ui.couponInput.value = '';
      renderCart(view);
      showMessage(view.discount > 0 ? `Coupon ${view.coupon?.code ?? code} applied: you save ${money(view.discount)}.` : `Coupon ${view.coupon?.code ?? code} applied. It takes nothing off the items in your cart yet.`);
      ui.couponRemove.focus();
    });
  });
  ui.couponRemove.addEventListener('click', () =>
    void act(async () => {
      renderCart(await api.removeCoupon());
      showMessage('Coupon removed.');
      ui.couponInput.focus();
    }),
  );

  ui.checkout.addEventListener('click', () => void act(placeOrder));
  ui.orderClose.addEventListener('click', () => {
    ui.order.hidden = true;
    byId('products-title').scrollIntoView({ block: 'start' });
    /** @type {HTMLElement | null} */ (ui.productList.querySelector('button:not(:disabled)'))?.focus({ preventScroll: true });
  });

  ui.ordersToggle.addEventListener('click', () => {
    if (state.ordersOpen) {
      closeOrders();
      return;
    }
    void act(async () => {
      await loadOrders();
      state.ordersOpen = true;
      ui.orders.hidden = false;
      ui.ordersToggle.setAttribute('aria-expanded', 'true');
      ui.orders.focus({ preventScroll: true });
      ui.orders.scrollIntoView({ block: 'nearest' });
    });
  });

  ui.logout.addEventListener('click', () =>
    void act(async () => {
      try {
        await api.logout();
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 401)) console.warn('logout: the token could not be revoked', err);
      }
      state.user = null;
      state.notices = [];
      renderNotices();
      closeOrders();
      ui.order.hidden = true;
      renderAccount();
      renderCart(await api.cart());
      showMessage('You are logged out.');
      ui.login.focus();
    }),
  );

  ui.messageClose.addEventListener('click', clearMessage);
}

// ---- start ----

async function start() {
  const justLoggedIn = takeTokenFromFragment();
  wire();
  await act(async () => {
    const [config] = await Promise.all([api.config(), loadProducts()]);
    state.login = config.login;
    if (api.token) {
      try {
        state.user = await api.me();
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 401)) throw err;
      }
    }
    renderAccount();
    if (state.user && justLoggedIn) {
      // the anonymous cart this browser filled joins the user's cart (summed, clamped to the stock)
      renderCart(await api.mergeCart());
      showMessage(`Welcome, ${state.user.name}! Your cart is saved to your account.`);
    } else {
      renderCart(await api.cart());
    }
  });
  document.body.classList.add('is-ready');
}

void start();
