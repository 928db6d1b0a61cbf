// @ts-check
// The storefront's client of the cartwheel API: the sid and the login token kept in the browser, one
// request function, and a method per route the page uses. URLs are relative to the page, so the
// storefront also works when the service is mounted under a path prefix.

/** @typedef {import('./types.js').CartView} CartView */
/** @typedef {import('./types.js').Order} Order */
/** @typedef {import('./types.js').Product} Product */
/** @typedef {import('./types.js').User} User */
/** @typedef {import('./types.js').ErrorBody} ErrorBody */

const SID_KEY = 'cartwheel.sid';
const TOKEN_KEY = 'cartwheel.token';
const SID_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;

/** An answer other than 2xx; `code` is the API's error code (`http_<status>` when the body has none). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Partial<ErrorBody> | null} body
   * @param {number | null} retryAfter  seconds, from Retry-After
   */
  constructor(status, body, retryAfter) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? `http_${status}`;
    /** @type {any} */
    this.details = body?.details;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

/** The request never got an answer (offline, connection reset): whether it took effect is unknown. */
export class NetworkError extends Error {}

/**
 * localStorage, or a stand-in that forgets on reload where storage is refused (some private modes).
 * @returns {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>}
 */
function storage() {
  try {
    const s = window.localStorage;
    s.setItem('cartwheel.probe', '1');
    s.removeItem('cartwheel.probe');
    return s;
  } catch {
    /** @type {Map<string, string>} */
    const m = new Map();
    return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
  }
}

/** A fresh Idempotency-Key: 128 random bits (crypto.getRandomValues works outside secure contexts too). */
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `sf-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export class ShopApi {
  /** @param {{onTokenRejected: () => void}} hooks  called when the API refuses the token (401): it is already forgotten */
  constructor(hooks) {
    this.hooks = hooks;
    this.store = storage();
  }

  /** @returns {string | null} */
  get token() {
    return this.store.getItem(TOKEN_KEY);
  }

  /** @param {string} token */
  setToken(token) {
    this.store.setItem(TOKEN_KEY, token);
  }

  forgetToken() {
    this.store.removeItem(TOKEN_KEY);
  }

  /** The sid of this browser's anonymous cart, created with POST /api/sessions the first time. */
  async sid() {
    const kept = this.store.getItem(SID_KEY);
    if (kept && SID_PATTERN.test(kept)) return kept;
    const { sid } = /** @type {{sid: string}} */ (await this.request('POST', 'api/sessions', { auth: false }));
    this.store.setItem(SID_KEY, sid);
    return sid;
  }

  /**
   * One API call. Sends the token when there is one (unless `auth` is false); a 401 to a call that
   * carried it means the token is invalid, expired or revoked: it is forgotten and the hook is told.
   * @param {string} method
   * @param {string} path  relative to the page
   * @param {{body?: unknown, auth?: boolean, headers?: Record<string, string>}} [options]
   * @returns {Promise<unknown>}
   */
  async request(method, path, options = {}) {
    /** @type {Record<string, string>} */
    const headers = { Accept: 'application/json', ...options.headers };
    const token = options.auth === false ? null : this.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    /** @type {RequestInit} */
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (err) {
      throw new NetworkError(err instanceof Error ? err.message : String(err));
    }
    const text = await res.text().catch(() => '');
    /** @type {any} */
    let body = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    if (res.ok) return body;
    if (res.status === 401 && token && token === this.token) {
      this.forgetToken();
      this.hooks.onTokenRejected();
    }
    const retryAfter = Number(res.headers.get('Retry-After'));
    throw new ApiError(res.status, body, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  }

  /** @returns {Promise<{login: boolean}>} */
  async config() {
    return /** @type {{login: boolean}} */ (await this.request('GET', 'storefront/config.json', { auth: false }));
  }

  /**
   * @param {number} offset
   * @returns {Promise<{items: Product[], total: number}>}
   */
  async products(offset = 0) {
    return /** @type {any} */ (await this.request('GET', `api/products?limit=100&offset=${offset}`, { auth: false }));
  }

  /** @param {string} suffix */
  async cartPath(suffix = '') {
    return `api/carts/${encodeURIComponent(await this.sid())}${suffix}`;
  }

  /** @returns {Promise<CartView>} */
  async cart() {
    return /** @type {CartView} */ (await this.request('GET', await this.cartPath()));
  }

  /**
   * @param {number} pid
   * @param {number} quantity
   * @returns {Promise<CartView>}
   */
  async addItem(pid, quantity = 1) {
    return /** @type {CartView} */ (await this.request('POST', await this.cartPath('/items'), { body: { pid, quantity } }));
  }

  /**
   * @param {number} pid
   * @param {number} quantity  0 removes the line
   * @returns {Promise<CartView>}
   */
  async setItem(pid, quantity) {
    return /** @type {CartView} */ (await this.request('PUT', await this.cartPath(`/items/${pid}`), { body: { quantity } }));
  }

  /**
   * @param {number} pid
   * @returns {Promise<CartView>}
   */
  async removeItem(pid) {
    return /** @type {CartView} */ (await this.request('DELETE', await this.cartPath(`/items/${pid}`)));
  }

  /**
   * @param {string} code
   * @returns {Promise<CartView>}
   */
  async applyCoupon(code) {
    return /** @type {CartView} */ (await this.request('POST', await this.cartPath('/coupon'), { body: { code } }));
  }

  /** @returns {Promise<CartView>} */
  async removeCoupon() {
    return /** @type {CartView} */ (await this.request('DELETE', await this.cartPath('/coupon')));
  }

  /**
   * Places the order. `key` is this attempt's Idempotency-Key (the same on a retry); `expectedTotal`
   * is the total the shopper was shown: the API refuses a different one with 409 total_changed.
   * @param {string} key
   * @param {number} expectedTotal
   * @returns {Promise<Order>}
   */
  async checkout(key, expectedTotal) {
    return /** @type {Order} */ (
      await this.request('POST', await this.cartPath('/checkout'), { body: { expectedTotal }, headers: { 'Idempotency-Key': key } })
    );
  }

  /** @returns {Promise<User>} */
  async me() {
    return /** @type {User} */ (await this.request('GET', 'auth/me'));
  }

  /**
   * Merges this browser's anonymous cart into the logged-in user's (after a login).
   * @returns {Promise<CartView>}
   */
  async mergeCart() {
    return /** @type {CartView} */ (await this.request('POST', 'api/me/cart/merge', { body: { sid: await this.sid() } }));
  }

  /** @returns {Promise<{items: Order[], total: number}>} */
  async myOrders() {
    return /** @type {any} */ (await this.request('GET', 'api/me/orders?limit=20'));
  }

  /** Revokes the token at the API, then forgets it (also when the API could not be reached). */
  async logout() {
    try {
      await this.request('POST', 'auth/logout');
    } finally {
      this.forgetToken();
    }
  }
}
