// Connected apps, as a third-party app's developer would try them: a standard OpenID Connect client library
// (`openid-client`) discovers the emulator as the authorization server, sends an Acme member's browser to its
// authorize endpoint, the demo's consent page asks the member, and the app exchanges the code it gets back for
// tokens it can verify, refresh and use at the userinfo endpoint.
import * as oidc from 'openid-client';
import { test, expect, EMULATOR, expectAccessible } from './fixtures';
import { SITE_ORIGIN } from './conformance/official-sdk';

// The demo seed's third-party client (emulator/seeds/demo.json).
const CLIENT_ID = 'connected-app-test-demo';
const CLIENT_SECRET = 'secret-test-acme-analytics-local-demo-only';
const REDIRECT_URI = `${SITE_ORIGIN}/oauth-client/callback`;

async function discover() {
  // The emulator serves plain HTTP on loopback; the library refuses that unless told.
  return oidc.discovery(new URL(EMULATOR), CLIENT_ID, CLIENT_SECRET, undefined, { execute: [oidc.allowInsecureRequests] });
}

async function authorizationUrl(config: oidc.Configuration, scope: string, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

test('a third-party app signs an Acme member in: authorize, consent, code, tokens, userinfo, refresh', async ({ demo, page }) => {
  await demo.openSignedIn('admin@example.com');
  const config = await discover();
  expect(config.serverMetadata().issuer).toBe(EMULATOR);

  const first = await authorizationUrl(config, 'openid email profile offline_access');
  await page.goto(first.url.href);
  await expect(page).toHaveURL(/\/oauth\/authorize\?/);
  await expect(page.locator('#consent-title')).toHaveText('Acme Analytics wants to access your account');
  const scopes = page.locator('#consent-scopes li');
  await expect(scopes).not.toHaveCount(0);
  await expectAccessible(page, 'consent page');
  await page.screenshot({ path: 'test-results/screens/consent.png', fullPage: true });

  // Keyboard only: Allow is the first control, Deny the next.
  await page.locator('#consent-allow').focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/oauth-client\/callback\?/);
  await expect(page.locator('#client-callback-result')).toHaveText('Authorization code received');
  const callback = new URL(page.url());
  expect(callback.searchParams.get('state')).toBe(first.state);

  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: first.verifier,
    expectedState: first.state,
    expectedNonce: first.nonce,
  });
  const claims = tokens.claims();
  expect(claims?.email).toBe('admin@example.com');
  expect(claims?.aud).toContain(CLIENT_ID);
  expect(tokens.token_type?.toLowerCase()).toBe('bearer');
  expect(tokens.refresh_token).toBeTruthy();
  const me = await oidc.fetchUserInfo(config, tokens.access_token, claims!.sub);
  expect(me.email).toBe('admin@example.com');

  // The code is single-use.
  await expect(
    oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: first.verifier, expectedState: first.state, expectedNonce: first.nonce }),
  ).rejects.toThrow();

  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
  expect(refreshed.access_token).toBeTruthy();
  expect(refreshed.access_token).not.toBe(tokens.access_token);

  // Consent given once is remembered: asking again for fewer scopes goes straight back with a code.
  const second = await authorizationUrl(config, 'openid email profile');
  await page.goto(second.url.href);
  await page.waitForURL(/\/oauth-client\/callback\?code=/);
  expect(new URL(page.url()).searchParams.get('state')).toBe(second.state);

  // prompt=consent asks anyway; denied, the app gets an OAuth error instead of a code, and says so.
  const third = await authorizationUrl(config, 'openid email profile', { prompt: 'consent' });
  await page.goto(third.url.href);
  await expect(page.locator('#consent-title')).toBeVisible();
  await page.click('#consent-deny');
  await page.waitForURL(/\/oauth-client\/callback\?/);
  expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');
  await expect(page.locator('#client-callback-result')).toHaveText('Access was not granted');
  await expectAccessible(page, 'the demo client after a denial');
  await page.screenshot({ path: 'test-results/screens/connected-app-denied.png', fullPage: true });
});

test('the account page starts the demo app, and a signed-out member signs in on the authorization page first', async ({ browser, demo, page }) => {
  await demo.openSignedIn('member@example.com');
  await page.click('#connected-app-start');
  await expect(page.locator('#consent-title')).toHaveText('Acme Analytics wants to access your account');
  await page.click('#consent-allow');
  await page.waitForURL(/\/oauth-client\/callback\?code=/);

  // Signed out (a browser with no session): the page shows the login form, and continues once the member is in.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const config = await discover();
  const flow = await authorizationUrl(config, 'openid email');
  await other.goto(flow.url.href);
  await expect(other.locator('#authorize-sign-in')).toBeVisible();
  await other.click('#method-password');
  await other.fill('#login-org', 'acme');
  await other.fill('#login-email', 'member@example.com');
  await other.fill('#login-password', 'violet-kettle-harbor-29');
  await other.click('#password-submit');
  // Signed in, the page goes on with the same request; consent was given above, so straight back to the app.
  await other.waitForURL(/\/oauth-client\/callback\?code=/);
  expect(new URL(other.url()).searchParams.get('state')).toBe(flow.state);
  await fresh.close();
});
