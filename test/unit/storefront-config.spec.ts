import { Logger } from '@nestjs/common';
import { AppConfig, storefrontUrl } from '../../src/config/app.config';
import { validateEnv } from '../../src/config/env.validation';

const LOGIN = {
  FACEBOOK_APP_ID: '1234',
  FACEBOOK_APP_SECRET: 'secret',
  FACEBOOK_CALLBACK_URL: 'https://shop.example/auth/facebook/callback',
  JWT_SECRET: 'j'.repeat(32),
};
const quiet = { warn: () => undefined } as unknown as Logger;
const build = (env: Record<string, string | undefined>) => new AppConfig(validateEnv({ ADMIN_API_KEY: 'k'.repeat(16), ...env }), quiet);

describe('STOREFRONT and the default AUTH_SUCCESS_REDIRECT', () => {
  it('serves the storefront by default; STOREFRONT=false (or 0, no, off) turns it off', () => {
    expect(build({}).storefront).toBe(true);
    expect(build({ STOREFRONT: 'true' }).storefront).toBe(true);
    for (const off of ['false', '0', 'no', ' OFF ']) expect(build({ STOREFRONT: off }).storefront).toBe(false);
  });

  it.each(['maybe', 'disabled', '2'])('refuses STOREFRONT=%p at start-up, naming it', (value) => {
    expect(() => validateEnv({ STOREFRONT: value })).toThrow(/STOREFRONT: STOREFRONT must be true or false/);
  });

  it("with login on and AUTH_SUCCESS_REDIRECT unset, sends the browser to the storefront's / next to the callback", () => {
    expect(build(LOGIN).authSuccessRedirect).toBe('https://shop.example/');
    expect(build({ ...LOGIN, FACEBOOK_CALLBACK_URL: 'http://127.0.0.1:3000/auth/facebook/callback' }).authSuccessRedirect).toBe('http://127.0.0.1:3000/');
  });

  it('keeps an AUTH_SUCCESS_REDIRECT that is set', () => {
    expect(build({ ...LOGIN, AUTH_SUCCESS_REDIRECT: 'https://front.example/welcome' }).authSuccessRedirect).toBe('https://front.example/welcome');
    expect(build({ ...LOGIN, STOREFRONT: 'false', AUTH_SUCCESS_REDIRECT: 'https://front.example/welcome' }).authSuccessRedirect).toBe('https://front.example/welcome');
  });

  it('has no redirect (the callback answers JSON) with the storefront off, or with login off', () => {
    expect(build({ ...LOGIN, STOREFRONT: 'false' }).authSuccessRedirect).toBeUndefined();
    expect(build({}).authSuccessRedirect).toBeUndefined();
  });

  it.each([
    ['https://shop.example/auth/facebook/callback', 'https://shop.example/'],
    ['https://x.example:8443/shop/auth/facebook/callback', 'https://x.example:8443/shop/'],
    ['https://x.example/somewhere/else', 'https://x.example/'],
    ['https://x.example/auth/facebook/callback?from=fb', 'https://x.example/'],
  ])('storefrontUrl(%p) is %p', (callback, page) => {
    expect(storefrontUrl(callback)).toBe(page);
  });
});
