// Conformance for SSO and OAuth: the official `@stytch/vanilla-js` (pinned) starts SSO and OAuth against the
// emulator, goes through its identity-provider page and authenticates the token it comes back with; our demo does
// the same, and both send the same SDK requests and the same start navigations.
import type { APIRequestContext, Page } from '@playwright/test';
import { test, expect, EMULATOR } from './fixtures';
import { openOfficialSdk, sdk, PUBLIC_TOKEN, SITE_ORIGIN } from './conformance/official-sdk';
import { recordSdkRequests } from './conformance/request-log';
import { expectSameRequests } from './conformance/compare';
import { officialSession } from './conformance/session';

const REDIRECT = `${SITE_ORIGIN}/`;

/** A SAML connection of Acme with no IdP settings, created by its admin through the SDK API. */
async function samlConnection(request: APIRequestContext): Promise<string> {
  const signedIn = await request.post(`${EMULATOR}/emulator/v1/sessions`, {
    data: { organization_slug: 'acme', email_address: 'admin@example.com' },
  });
  expect(signedIn.status(), await signedIn.text()).toBe(200);
  const { session_token } = await signedIn.json();
  const resp = await request.post(`${EMULATOR}/sdk/v1/b2b/sso/saml`, {
    headers: {
      Authorization: `Basic ${Buffer.from(`${PUBLIC_TOKEN}:${session_token}`).toString('base64')}`,
      Origin: SITE_ORIGIN,
    },
    data: { display_name: 'Acme Okta' },
  });
  expect(resp.status(), await resp.text()).toBe(200);
  return (await resp.json()).data.connection.connection_id;
}

/**
 * The query names (not values) of every start navigation the page makes, in order: the wire contract of a start
 * URL that the SDK builds and the browser follows.
 */
function recordStarts(page: Page) {
  const starts: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.origin === EMULATOR && /^\/v1\/(public\/sso|b2b\/public\/oauth\/[a-z]+(\/discovery)?)\/start$/.test(url.pathname)) {
      starts.push(`${url.pathname}?${[...url.searchParams.keys()].sort().join('&')}`);
    }
  });
  return starts;
}

/**
 * The identity-provider page's answer on the official SDK page, followed by hand up to the app's redirect URL:
 * that URL is the demo, which would spend the single-use token if it loaded. Returns the redirect's query, for
 * the conformance page.
 */
async function officialIdpApproves(page: Page, email: string): Promise<string> {
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR}/emulator/idp/`));
  let landed = '';
  const form = `${EMULATOR}/emulator/idp/authorize`;
  await page.route(form, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    let location = (await route.fetch({ maxRedirects: 0 })).headers()['location'];
    while (location && !location.startsWith(SITE_ORIGIN)) {
      location = (await page.request.get(new URL(location, EMULATOR).href, { maxRedirects: 0 })).headers()['location'];
    }
    landed = new URL(location ?? '', SITE_ORIGIN).search;
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<p id="landed">landed</p>' });
  });
  await page.getByTestId('idp-email').fill(email);
  await page.getByTestId('idp-submit').click();
  await expect(page.locator('#landed')).toBeVisible();
  await page.unroute(form);
  return landed;
}

async function idpApproves(page: Page, email: string) {
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR}/emulator/idp/`));
  await page.getByTestId('idp-email').fill(email);
  await page.getByTestId('idp-submit').click();
}

/** Runs a start in the official SDK page: it navigates away, so the evaluation's own result is lost. */
async function startOfficial(page: Page, fn: (s: any, arg: any) => unknown, arg: unknown) {
  await page.evaluate(
    ({ source, arg }) => {
      const f = new Function(`return (${source});`)();
      void Promise.resolve(f((window as any).stytch, arg)).catch(() => undefined);
    },
    { source: fn.toString(), arg },
  );
}

test.beforeEach(async ({ request }) => {
  expect((await request.post(`${EMULATOR}/emulator/v1/reset`)).ok()).toBeTruthy();
});

test('SSO: discover connections, start, the identity provider, authenticate, revoke — same requests as the official SDK', async ({ browser, page, demo, request }) => {
  const connection_id = await samlConnection(request);
  const email = 'admin@example.com';

  const off = await officialSession(browser);
  const officialStartLog = recordStarts(off.page);
  const found = await sdk(off.page, (s, email_address) => s.sso.discoverConnections(email_address), email);
  expect(found.connections.map((c: any) => c.connection_id)).toEqual([connection_id]);
  await startOfficial(off.page, (s, a) => s.sso.start(a), {
    connection_id,
    login_redirect_url: REDIRECT,
    signup_redirect_url: REDIRECT,
  });
  const search = await officialIdpApproves(off.page, email);
  expect(search).toContain('stytch_token_type=sso');
  await openOfficialSdk(off.page, search);
  const landed = await sdk(off.page, (s) => s.authenticateByUrl({ session_duration_minutes: 60 }));
  expect(landed.handled).toBe(true);
  expect(landed.data.member.email_address).toBe(email);
  expect(landed.data.member_session.authentication_factors.map((f: any) => f.type)).toEqual(['sso']);
  await sdk(off.page, (s) => s.session.revoke());
  const officialStarts = [...officialStartLog];
  const official = await off.finish();

  const ourStarts = recordStarts(page);
  const log = recordSdkRequests(page, EMULATOR);
  await demo.open();
  await page.click('#sso-start');
  await page.fill('#sso-email', email);
  await page.click('#sso-find');
  await page.locator(`.sso-connection[data-connection-id="${connection_id}"] .sso-connection-start`).click();
  await idpApproves(page, email);
  await expect(page.locator('#member-email')).toHaveText(email);
  await demo.logout();
  const ours = await log.calls();

  expect(ourStarts, 'the same start URL parameters').toEqual(officialStarts);
  expect(officialStarts).toHaveLength(1);
  expectSameRequests(official, ours, SITE_ORIGIN, [
    'GET /projects/bootstrap/{public_token}',
    'GET /b2b/sso/discovery/connections',
    'POST /b2b/sso/authenticate',
    'POST /b2b/sessions/revoke',
  ]);
});

test('OAuth: Google into Acme and Microsoft discovery — same requests and start URLs as the official SDK', async ({ browser, page, demo }) => {
  const email = 'admin@example.com';

  const off = await officialSession(browser);
  const officialStartLog = recordStarts(off.page);
  await startOfficial(off.page, (s, a) => s.oauth.google.start(a), {
    organization_slug: 'acme',
    login_redirect_url: REDIRECT,
    signup_redirect_url: REDIRECT,
  });
  let search = await officialIdpApproves(off.page, email);
  expect(search).toContain('stytch_token_type=oauth');
  await openOfficialSdk(off.page, search);
  const landed = await sdk(off.page, (s) => s.authenticateByUrl({ session_duration_minutes: 60 }));
  expect(landed.data.member_session.authentication_factors.map((f: any) => f.type)).toEqual(['oauth']);
  expect(landed.data.provider_values.id_token).toBeTruthy();
  await sdk(off.page, (s) => s.session.revoke());

  await startOfficial(off.page, (s, a) => s.oauth.microsoft.discovery.start(a), { discovery_redirect_url: REDIRECT });
  search = await officialIdpApproves(off.page, email);
  expect(search).toContain('stytch_token_type=discovery_oauth');
  await openOfficialSdk(off.page, search);
  const discovered = await sdk(off.page, (s) => s.authenticateByUrl({ session_duration_minutes: 60 }));
  expect(discovered.data.discovered_organizations.map((d: any) => d.organization.organization_slug)).toContain('acme');
  const acme = discovered.data.discovered_organizations.find((d: any) => d.organization.organization_slug === 'acme');
  const exchanged = await sdk(
    off.page,
    (s, organization_id) => s.discovery.intermediateSessions.exchange({ organization_id, session_duration_minutes: 60 }),
    acme.organization.organization_id,
  );
  expect(exchanged.member.email_address).toBe(email);
  await sdk(off.page, (s) => s.session.revoke());
  const officialStarts = [...officialStartLog];
  const official = await off.finish();

  const ourStarts = recordStarts(page);
  const log = recordSdkRequests(page, EMULATOR);
  await demo.open();
  await page.fill('#login-org', 'acme');
  await page.click('#oauth-google');
  await idpApproves(page, email);
  await expect(page.locator('#member-email')).toHaveText(email);
  await demo.logout();
  await page.click('#discovery-start');
  await page.click('#discovery-oauth-microsoft');
  await idpApproves(page, email);
  await page.locator('.discovered-org[data-org-slug="acme"] button').click();
  await expect(page.locator('#member-email')).toHaveText(email);
  await demo.logout();
  const ours = await log.calls();

  expect(ourStarts, 'the same start URL parameters').toEqual(officialStarts);
  expect(officialStarts).toHaveLength(2);
  expectSameRequests(official, ours, SITE_ORIGIN, [
    'GET /projects/bootstrap/{public_token}',
    'POST /b2b/oauth/authenticate',
    'POST /b2b/oauth/discovery/authenticate',
    'POST /b2b/discovery/intermediate_sessions/exchange',
    'POST /b2b/sessions/revoke',
  ]);
});
