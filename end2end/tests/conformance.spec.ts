// Conformance: the official `@stytch/vanilla-js` (pinned in package.json) runs in Chromium against the
// emulator, and the requests our client sends for the same flows match the official SDK's.
import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { test, expect, EMULATOR } from './fixtures';
import { openOfficialSdk, sdk, sdkError, serveOfficialSdk, SITE_ORIGIN, OFFICIAL_SDK_VERSION } from './conformance/official-sdk';
import { recordSdkRequests, type Call } from './conformance/request-log';
import { expectSameRequests } from './conformance/compare';
import { acmeId, officialSession } from './conformance/session';

const STRONG_PASSWORD = 'violet-Quokka-juggles-47-lanterns!';
const NEWER_PASSWORD = 'amber-Heron-sketches-83-bridges?';

/** A new address at Acme's domain (example.com, JIT by email domain allowed). */
const freshEmail = (label: string) => `conf-${label}-${randomUUID().slice(0, 8)}@example.com`;

test.beforeEach(async ({ request }) => {
  expect((await request.post(`${EMULATOR}/emulator/v1/reset`)).ok()).toBeTruthy();
});

/** A page with the official SDK loaded; fails the test if the page logs an error. */
async function officialPage(page: Page) {
  const errors = await serveOfficialSdk(page, EMULATOR);
  await openOfficialSdk(page);
  return errors;
}

async function cookieNames(page: Page) {
  return (await page.context().cookies()).map((c) => c.name);
}

test.describe(`official @stytch/vanilla-js ${OFFICIAL_SDK_VERSION} against the emulator`, () => {
  test('magic link: login_or_signup, authenticate, session, self, organization, revoke', async ({ page, emulator }) => {
    const errors = await serveOfficialSdk(page, EMULATOR);
    const telemetry = page.waitForResponse(`${EMULATOR}/sdk/v1/events`);
    await openOfficialSdk(page);
    const email = freshEmail('eml');
    const organization_id = await acmeId(page);

    const sent = await sdk(page, (s, a) => s.magicLinks.email.loginOrSignup(a), { email_address: email, organization_id });
    expect(sent.member_created).toBe(true);
    const message = await emulator.lastMessage(email);
    expect(message.link).toContain('stytch_token_type=multi_tenant_magic_links');

    const auth = await sdk(page, (s, token) => s.magicLinks.authenticate({ magic_links_token: token, session_duration_minutes: 60 }), message.token);
    expect(auth.member.email_address).toBe(email);
    expect(auth.organization.organization_slug).toBe('acme');
    expect(auth.member_session.organization_id).toBe(organization_id);
    expect(auth.member_session.authentication_factors.map((f: any) => f.type)).toContain('magic_link');

    // The SDK wrote the cookies itself and getTokens() reads them back.
    const tokens = await sdk(page, (s) => s.session.getTokens());
    expect(tokens).not.toBeNull();
    expect(tokens.session_token).toBe(auth.session_token);
    expect(tokens.session_jwt).toBe(auth.session_jwt);
    const cookies = Object.fromEntries((await page.context().cookies()).map((c) => [c.name, c]));
    expect(cookies.stytch_session?.value).toBe(auth.session_token);
    expect(cookies.stytch_session_jwt?.value).toBe(auth.session_jwt);
    expect(cookies.stytch_session?.sameSite).toBe('Lax');
    expect(cookies.stytch_session?.secure).toBe(false);

    const again = await sdk(page, (s) => s.session.authenticate());
    expect(again.member_session.member_session_id).toBe(auth.member_session.member_session_id);
    expect(await sdk(page, (s) => s.session.getSync()?.member_session_id)).toBe(auth.member_session.member_session_id);

    const me = await sdk(page, (s) => s.self.get());
    expect(me.email_address).toBe(email);
    expect(me.member_id).toBe(auth.member_id);
    const org = await sdk(page, (s) => s.organization.get());
    expect(org.organization_id).toBe(organization_id);
    expect(org.organization_name).toBe('Acme');

    // The backend accepts the session; after revoke it does not, and the SDK forgets it.
    expect((await emulator.backendAuthenticate({ session_token: auth.session_token })).status()).toBe(200);
    await sdk(page, (s) => s.session.revoke());
    expect(await sdk(page, (s) => s.session.getTokens())).toBeNull();
    expect(await sdk(page, (s) => s.session.getSync())).toBeNull();
    expect(await cookieNames(page)).not.toContain('stytch_session');
    expect((await emulator.backendAuthenticate({ session_token: auth.session_token })).status()).toBe(404);

    // A used token is refused with Stytch's error shape.
    const reused = await sdkError(page, (s, token) => s.magicLinks.authenticate({ magic_links_token: token, session_duration_minutes: 60 }), message.token);
    expect(reused.isStytchAPIError).toBe(true);
    expect(reused.error_type).toBe('unable_to_auth_magic_link');

    // The constructor's telemetry batch (no Authorization, no credentials) is accepted too.
    const events = await telemetry;
    expect(events.status()).toBe(200);
    expect(events.request().postDataJSON().map((e: any) => e.event.event_name)).toContain('b2b_sdk_instance_instantiated');
    expect(errors).toEqual([]);
  });

  test('discovery: send, authenticate, list, exchange into Acme, create an organization', async ({ page, emulator }) => {
    const errors = await officialPage(page);
    const email = freshEmail('disc');
    const organization_id = await acmeId(page);
    // Joining by email domain needs a member with a verified email on that domain (semantics §3.4); the
    // seeded ones verify theirs by signing in once.
    await sdk(page, (s, a) => s.magicLinks.email.loginOrSignup(a), { email_address: 'admin@example.com', organization_id });
    const adminLink = await emulator.lastMessage('admin@example.com');
    await sdk(page, (s, token) => s.magicLinks.authenticate({ magic_links_token: token, session_duration_minutes: 60 }), adminLink.token);
    await sdk(page, (s) => s.session.revoke());

    await sdk(page, (s, email_address) => s.magicLinks.email.discovery.send({ email_address }), email);
    const message = await emulator.lastMessage(email);
    expect(message.link).toContain('stytch_token_type=discovery');
    const found = await sdk(page, (s, token) => s.magicLinks.discovery.authenticate({ discovery_magic_links_token: token }), message.token);
    expect(found.email_address).toBe(email);
    expect(found.intermediate_session_token).toBeTruthy();
    const acme = found.discovered_organizations.find((d: any) => d.organization.organization_id === organization_id);
    expect(acme?.membership.type).toBe('eligible_to_join_by_email_domain');
    // The IST lives in its cookie; there is no session.
    const ist = (await page.context().cookies()).find((c) => c.name === 'stytch_intermediate_session_token');
    expect(ist?.value).toBe(found.intermediate_session_token);
    expect(await sdk(page, (s) => s.session.getTokens())).toBeNull();

    // The SDK sends the IST from its cookie.
    const listed = await sdk(page, (s) => s.discovery.organizations.list());
    expect(listed.email_address).toBe(email);
    expect(listed.discovered_organizations.map((d: any) => d.organization.organization_slug)).toContain('acme');

    const joined = await sdk(page, (s, organization_id) => s.discovery.intermediateSessions.exchange({ organization_id, session_duration_minutes: 60 }), organization_id);
    expect(joined.member.email_address).toBe(email);
    expect(joined.member_session.organization_id).toBe(organization_id);
    expect(await cookieNames(page)).not.toContain('stytch_intermediate_session_token');
    expect((await sdk(page, (s) => s.session.getTokens()))?.session_token).toBe(joined.session_token);
    await sdk(page, (s) => s.session.revoke());

    // Discovery again, then found a new organization.
    const founder = `founder-${randomUUID().slice(0, 8)}@newco.test`;
    await sdk(page, (s, email_address) => s.magicLinks.email.discovery.send({ email_address }), founder);
    const second = await emulator.lastMessage(founder);
    const nothing = await sdk(page, (s, token) => s.magicLinks.discovery.authenticate({ discovery_magic_links_token: token }), second.token);
    expect(nothing.discovered_organizations).toEqual([]);
    const slug = `newco-${randomUUID().slice(0, 6)}`;
    const created = await sdk(
      page,
      (s, a) => s.discovery.organizations.create({ organization_name: 'Newco', organization_slug: a, session_duration_minutes: 60 }),
      slug,
    );
    expect(created.organization.organization_slug).toBe(slug);
    expect(created.member.email_address).toBe(founder);
    expect(created.member_session.roles).toContain('stytch_admin');
    expect((await sdk(page, (s) => s.organization.get())).organization_slug).toBe(slug);
    expect(errors).toEqual([]);
  });

  test('passwords: strength check, reset by email, authenticate, wrong password', async ({ page, emulator }) => {
    const errors = await officialPage(page);
    const email = freshEmail('pw');
    const organization_id = await acmeId(page);

    const weak = await sdk(page, (s, email_address) => s.passwords.strengthCheck({ password: 'password', email_address }), email);
    expect(weak.valid_password).toBe(false);
    const strong = await sdk(page, (s, a) => s.passwords.strengthCheck({ password: a[0], email_address: a[1] }), [STRONG_PASSWORD, email]);
    expect(strong.valid_password).toBe(true);
    expect(strong.score).toBeGreaterThan(weak.score);

    await sdk(page, (s, a) => s.passwords.resetByEmailStart(a), { organization_id, email_address: email });
    const message = await emulator.lastMessage(email);
    expect(message.link).toContain('stytch_token_type=multi_tenant_passwords');
    const reset = await sdk(
      page,
      (s, a) => s.passwords.resetByEmail({ password_reset_token: a[0], password: a[1], session_duration_minutes: 60 }),
      [message.token, STRONG_PASSWORD],
    );
    expect(reset.member.email_address).toBe(email);
    expect(reset.member_session.organization_id).toBe(organization_id);
    expect((await sdk(page, (s) => s.session.getTokens()))?.session_token).toBe(reset.session_token);
    await sdk(page, (s) => s.session.revoke());

    const login = await sdk(
      page,
      (s, a) => s.passwords.authenticate({ ...a, session_duration_minutes: 60 }),
      { organization_id, email_address: email, password: STRONG_PASSWORD },
    );
    expect(login.member_id).toBe(reset.member_id);
    expect(login.member_session.authentication_factors.map((f: any) => f.type)).toContain('password');

    // A weak new password is refused.
    const tooWeak = await sdkError(page, (s, a) => s.passwords.resetBySession({ password: a }), 'password');
    expect(tooWeak.isStytchAPIError).toBe(true);
    expect(tooWeak.error_type).toBe('weak_password');
    await sdk(page, (s) => s.session.revoke());

    const wrong = await sdkError(
      page,
      (s, a) => s.passwords.authenticate({ ...a, session_duration_minutes: 60 }),
      { organization_id, email_address: email, password: NEWER_PASSWORD },
    );
    expect(wrong.isStytchAPIError).toBe(true);
    expect(wrong.name).toBe('StytchAPIError');
    expect(wrong.error_type).toBe('unauthorized_credentials');
    expect(wrong.status_code).toBe(401);
    expect(await sdk(page, (s) => s.session.getTokens())).toBeNull();
    expect(errors).toEqual([]);
  });

  test('email OTP: login_or_signup, authenticate, wrong code', async ({ page, emulator }) => {
    const errors = await officialPage(page);
    const email = freshEmail('otp');
    const organization_id = await acmeId(page);

    await sdk(page, (s, a) => s.otps.email.loginOrSignup(a), { organization_id, email_address: email });
    const message = await emulator.lastMessage(email);
    expect(message.code).toMatch(/^\d{6}$/);
    const wrongCode = message.code === '000000' ? '000001' : '000000';
    const wrong = await sdkError(
      page,
      (s, a) => s.otps.email.authenticate({ ...a, session_duration_minutes: 60 }),
      { organization_id, email_address: email, code: wrongCode },
    );
    expect(wrong.error_type).toBe('unable_to_auth_otp_code');

    const auth = await sdk(
      page,
      (s, a) => s.otps.email.authenticate({ ...a, session_duration_minutes: 60 }),
      { organization_id, email_address: email, code: message.code },
    );
    expect(auth.member.email_address).toBe(email);
    expect(auth.member_session.authentication_factors.map((f: any) => f.type)).toContain('email_otp');
    expect((await sdk(page, (s) => s.session.getTokens()))?.session_jwt).toBe(auth.session_jwt);
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Request comparison: the same flows (magic link, passwords, email OTP), once with the official SDK and once
// with our client (through the demo), recorded at the wire and compared call by call.

/** Opens a link from the inbox on the official SDK page: a fresh page load with the link's query. */
async function openLinkOnSdkPage(page: Page, link: string) {
  await openOfficialSdk(page, new URL(link).search);
}

const REDIRECT = `${SITE_ORIGIN}/`;

/** Keeps both logs with the test's results (no token values are recorded, only key names). */
async function attachLogs(official: Call[], ours: Call[]) {
  await test.info().attach('sdk-requests.json', {
    body: JSON.stringify({ official, ours }, null, 2),
    contentType: 'application/json',
  });
}

test.describe('our client sends what the official SDK sends', () => {
  test('magic link: bootstrap, login_or_signup, authenticate, session refresh, revoke', async ({ browser, page, demo, emulator }) => {
    // The same member in both runs, so both are logins (not sign-ups) and the member ids match.
    const email = 'admin@example.com';

    // The official SDK, step for step what the demo does: find the org, send the link, open it, reload, log out.
    const off = await officialSession(browser);
    // Let the telemetry batch go out, so the log shows the one call our client does not make.
    expect((await off.telemetry).status()).toBe(200);
    const organization_id = await acmeId(off.page);
    await sdk(off.page, (s, a) => s.magicLinks.email.loginOrSignup(a), {
      email_address: email,
      organization_id,
      login_redirect_url: REDIRECT,
      signup_redirect_url: REDIRECT,
    });
    await openLinkOnSdkPage(off.page, (await emulator.lastMessage(email)).link);
    const landed = await sdk(off.page, (s) => s.authenticateByUrl({ session_duration_minutes: 60 }));
    expect(landed.handled).toBe(true);
    const memberId = landed.data.member_id;
    expect(await sdk(off.page, (s) => s.session.getTokens())).not.toBeNull();
    // Reload: the SDK restores the session and refreshes it at once (POST sessions/authenticate).
    await openOfficialSdk(off.page);
    await expect.poll(() => sdk(off.page, (s) => s.session.getInfo().fromCache)).toBe(false);
    await sdk(off.page, (s) => s.session.revoke());
    expect(await sdk(off.page, (s) => s.session.getTokens())).toBeNull();
    const official = await off.finish();
    expect(official.map((c) => `${c.method} ${c.path}`)).toContain('POST /events');

    // Our client, through the demo, as a person would.
    await emulator.request.delete(`${EMULATOR}/emulator/v1/messages`);
    const log = recordSdkRequests(page, EMULATOR);
    await demo.open();
    await demo.requestLink(email);
    await expect(page.locator('#login-status')).toContainText('login link');
    const message = await emulator.lastMessage(email);
    await page.locator(`.message[data-message-id="${message.message_id}"] .message-link`).click();
    await expect(page.locator('#member-email')).toHaveText(email);
    await demo.getTokens();
    await expect(page.getByTestId('session-token')).toBeVisible();
    await page.reload();
    await expect(page.locator('#session-from-cache')).toHaveText('false');
    await demo.logout();
    const ours = await log.calls();
    await attachLogs(official, ours);

    expectSameRequests(official, ours, SITE_ORIGIN, [
      'GET /projects/bootstrap/{public_token}',
      'POST /b2b/organizations/search',
      'POST /b2b/magic_links/email/login_or_signup',
      'POST /b2b/magic_links/authenticate',
      'POST /b2b/sessions/authenticate',
      'POST /b2b/sessions/revoke',
    ]);
    // Both sessions were the same member's.
    const signedIn = (calls: Call[]) => calls.map((c) => c.sdkClient?.stytch_member_id).filter(Boolean);
    expect(new Set(signedIn(official))).toEqual(new Set([memberId]));
    expect(new Set(signedIn(ours))).toEqual(new Set([memberId]));
  });

  test('passwords: reset by email, then password login', async ({ browser, page, demo, emulator }) => {
    // Fresh members (JIT by domain at reset start), one per client, so both runs start alike.
    const offEmail = freshEmail('pw-official');
    const ourEmail = freshEmail('pw-ours');

    const off = await officialSession(browser);
    let organization_id = await acmeId(off.page);
    await sdk(off.page, (s, a) => s.passwords.resetByEmailStart(a), {
      organization_id,
      email_address: offEmail,
      login_redirect_url: REDIRECT,
      reset_password_redirect_url: REDIRECT,
    });
    const resetLink = (await emulator.lastMessage(offEmail)).link;
    await openLinkOnSdkPage(off.page, resetLink);
    const token = new URL(resetLink).searchParams.get('token');
    const reset = await sdk(
      off.page,
      (s, a) => s.passwords.resetByEmail({ password_reset_token: a[0], password: a[1], session_duration_minutes: 60 }),
      [token, STRONG_PASSWORD],
    );
    expect(reset.member.email_address).toBe(offEmail);
    await sdk(off.page, (s) => s.session.revoke());
    organization_id = await acmeId(off.page);
    const login = await sdk(
      off.page,
      (s, a) => s.passwords.authenticate({ ...a, session_duration_minutes: 60 }),
      { organization_id, email_address: offEmail, password: STRONG_PASSWORD },
    );
    expect(login.member_id).toBe(reset.member_id);
    await sdk(off.page, (s) => s.session.revoke());
    const official = await off.finish();

    const log = recordSdkRequests(page, EMULATOR);
    await demo.open();
    await page.click('#method-password');
    await page.fill('#login-org', 'acme');
    await page.fill('#login-email', ourEmail);
    await page.click('#password-forgot');
    await expect(page.locator('#login-status')).toContainText('password reset link');
    const message = await emulator.lastMessage(ourEmail);
    await page.locator(`.message[data-message-id="${message.message_id}"] .message-link`).click();
    await page.fill('#reset-password', STRONG_PASSWORD);
    await page.click('#reset-submit');
    await expect(page.locator('#member-email')).toHaveText(ourEmail);
    await demo.logout();
    await page.click('#method-password');
    await page.fill('#login-org', 'acme');
    await page.fill('#login-email', ourEmail);
    await page.fill('#login-password', STRONG_PASSWORD);
    await page.click('#password-submit');
    await expect(page.locator('#member-email')).toHaveText(ourEmail);
    await demo.logout();
    const ours = await log.calls();
    await attachLogs(official, ours);

    expectSameRequests(official, ours, SITE_ORIGIN, [
      'GET /projects/bootstrap/{public_token}',
      'POST /b2b/passwords/email/reset/start',
      'POST /b2b/passwords/email/reset',
      'POST /b2b/passwords/authenticate',
      'POST /b2b/sessions/revoke',
    ]);
  });

  test('email OTP: login_or_signup, authenticate, revoke', async ({ browser, page, demo, emulator }) => {
    const email = 'admin@example.com';

    const off = await officialSession(browser);
    const organization_id = await acmeId(off.page);
    await sdk(off.page, (s, a) => s.otps.email.loginOrSignup(a), { organization_id, email_address: email });
    const code = (await emulator.lastMessage(email)).code;
    const auth = await sdk(
      off.page,
      (s, a) => s.otps.email.authenticate({ ...a, session_duration_minutes: 60 }),
      { organization_id, email_address: email, code },
    );
    expect(auth.member.email_address).toBe(email);
    await sdk(off.page, (s) => s.session.revoke());
    const official = await off.finish();

    await emulator.request.delete(`${EMULATOR}/emulator/v1/messages`);
    const log = recordSdkRequests(page, EMULATOR);
    await demo.open();
    await page.click('#method-otp');
    await page.fill('#login-org', 'acme');
    await page.fill('#login-email', email);
    await page.click('#otp-send');
    await expect(page.locator('#login-status')).toContainText('code');
    await page.fill('#login-code', (await emulator.lastMessage(email)).code);
    await page.click('#otp-verify');
    await expect(page.locator('#member-email')).toHaveText(email);
    await demo.logout();
    const ours = await log.calls();
    await attachLogs(official, ours);

    expectSameRequests(official, ours, SITE_ORIGIN, [
      'GET /projects/bootstrap/{public_token}',
      'POST /b2b/otps/email/login_or_signup',
      'POST /b2b/otps/email/authenticate',
      'POST /b2b/sessions/revoke',
    ]);
  });
});
