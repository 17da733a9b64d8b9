// Conformance for connected apps: the official `@stytch/vanilla-js` (pinned) asks for consent, submits it and starts
// a logout against the emulator as an Acme member, the authorization code it gets is exchanged at the token endpoint,
// and the demo's authorization page sends the same SDK requests for the same authorize request.
import { test, expect, EMULATOR } from './fixtures';
import { sdk, sdkError, SITE_ORIGIN } from './conformance/official-sdk';
import { recordSdkRequests, type Call } from './conformance/request-log';
import { expectSameRequests } from './conformance/compare';
import { officialSignedIn } from './conformance/session';

const CLIENT_ID = 'connected-app-test-demo';
const CLIENT_SECRET = 'secret-test-acme-analytics-local-demo-only';
const REDIRECT_URI = `${SITE_ORIGIN}/oauth-client/callback`;
const SCOPES = ['openid', 'email', 'profile'];

const idpCalls = (calls: Call[]) => calls.filter((c) => c.path.startsWith('/idp/') || c.path === '/b2b/oauth/logout/start');

test.beforeEach(async ({ request }) => {
  expect((await request.post(`${EMULATOR}/emulator/v1/reset`)).ok()).toBeTruthy();
});

test('official SDK: authorize start and submit, the code exchanged, logout start', async ({ browser, request }) => {
  const off = await officialSignedIn(browser, 'admin@example.com');
  const page = off.page;
  const start = await sdk(page, (s, a) => s.idp.oauthAuthorizeStart(a), {
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scopes: SCOPES,
  });
  expect(start.client.client_name).toBe('Acme Analytics');
  expect(start.client.client_type).toBe('third_party');
  expect(start.consent_required).toBe(true);
  expect(start.scope_results.map((r: any) => r.scope).sort()).toEqual([...SCOPES].sort());

  const wrongRedirect = await sdkError(page, (s, a) => s.idp.oauthAuthorizeStart(a), {
    client_id: CLIENT_ID,
    redirect_uri: 'https://evil.example/callback',
    response_type: 'code',
    scopes: SCOPES,
  });
  expect(wrongRedirect.error_type).toBe('connected_app_supplied_redirect_url_not_found_in_client');

  const submitted = await sdk(page, (s, a) => s.idp.oauthAuthorizeSubmit(a), {
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scopes: SCOPES,
    state: 'state-1',
    nonce: 'nonce-1',
    consent_granted: true,
  });
  const back = new URL(submitted.redirect_uri);
  expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
  expect(back.searchParams.get('state')).toBe('state-1');
  expect(back.searchParams.get('code')).toBe(submitted.authorization_code);

  // The app's server exchanges the code with its secret.
  const token = await request.post(`${EMULATOR}/v1/oauth2/token`, {
    form: {
      grant_type: 'authorization_code',
      code: submitted.authorization_code,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    },
  });
  expect(token.status(), await token.text()).toBe(200);
  const tokens = await token.json();
  expect(tokens.token_type.toLowerCase()).toBe('bearer');
  const idClaims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString('utf8'));
  expect(idClaims.email).toBe('admin@example.com');
  expect(idClaims.nonce).toBe('nonce-1');

  const logout = await sdk(page, (s, a) => s.idp.oauthLogoutStart(a), {
    client_id: CLIENT_ID,
    post_logout_redirect_uri: `${SITE_ORIGIN}/oauth-client/logged-out`,
    state: 'bye',
    id_token_hint: tokens.id_token,
  });
  expect(logout.consent_required).toBe(false);
  expect(new URL(logout.redirect_uri).searchParams.get('state')).toBe('bye');
  await off.finish();
});

test('authorization page: start and submit — same requests as the official SDK', async ({ browser, page, demo }) => {
  const query = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: SCOPES.join(' '),
    state: 'state-2',
    nonce: 'nonce-2',
  });
  const off = await officialSignedIn(browser, 'member@example.com');
  const start = {
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scopes: SCOPES,
  };
  expect((await sdk(off.page, (s, a) => s.idp.oauthAuthorizeStart(a), start)).consent_required).toBe(true);
  await sdk(off.page, (s, a) => s.idp.oauthAuthorizeSubmit(a), { ...start, state: 'state-2', nonce: 'nonce-2', consent_granted: true });
  const official = idpCalls(await off.finish());
  expect((await page.request.post(`${EMULATOR}/emulator/v1/reset`)).ok()).toBeTruthy();

  const log = recordSdkRequests(page, EMULATOR);
  await demo.openSignedIn('member@example.com');
  // Let the account page's own requests finish before the app sends the browser away.
  await page.waitForLoadState('networkidle');
  await page.goto(`${EMULATOR}/v1/oauth2/authorize?${query}`);
  await page.click('#consent-allow');
  await page.waitForURL(/\/oauth-client\/callback\?code=/);
  expect(new URL(page.url()).searchParams.get('state')).toBe('state-2');
  const ours = idpCalls(await log.calls());

  expectSameRequests(official, ours, SITE_ORIGIN, ['POST /idp/b2b/oauth/authorize/start', 'POST /idp/b2b/oauth/authorize/submit']);
});
