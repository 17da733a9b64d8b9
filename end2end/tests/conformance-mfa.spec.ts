// Conformance for MFA and impersonation: the official `@stytch/vanilla-js` (pinned) completes the MFA flows against
// the emulator (TOTP enrolment and login, recovery codes, SMS codes, impersonation, revoke for a member), and the
// requests our client sends through the demo for the same flow match the official SDK's.
import { randomUUID } from 'node:crypto';
import type { APIRequestContext, Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { test, expect, EMULATOR, type Emulator } from './fixtures';
import { openOfficialSdk, sdk, sdkError, serveOfficialSdk, SITE_ORIGIN } from './conformance/official-sdk';
import { recordSdkRequests } from './conformance/request-log';
import { expectSameRequests } from './conformance/compare';
import { acmeId, backendAuth, officialSession } from './conformance/session';

const REDIRECT = `${SITE_ORIGIN}/`;
const freshEmail = (label: string) => `conf-${label}-${randomUUID().slice(0, 8)}@example.com`;
const totpNow = (secret: string) => new OTPAuth.TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate();

/** Acme requires MFA for everyone, set as an app's server would (backend API). */
async function requireMfa(request: APIRequestContext) {
  const resp = await request.put(`${EMULATOR}/v1/b2b/organizations/acme`, {
    headers: await backendAuth(request),
    data: { mfa_policy: 'REQUIRED_FOR_ALL' },
  });
  expect(resp.status(), await resp.text()).toBe(200);
}

async function istCookie(page: Page) {
  return (await page.context().cookies()).find((c) => c.name === 'stytch_intermediate_session_token')?.value;
}

/** A magic-link primary factor on the official SDK page; returns the authenticate answer. */
async function officialMagicLink(page: Page, emulator: Emulator, organization_id: string, email: string) {
  await sdk(page, (s, a) => s.magicLinks.email.loginOrSignup(a), {
    email_address: email,
    organization_id,
    login_redirect_url: REDIRECT,
    signup_redirect_url: REDIRECT,
  });
  await openOfficialSdk(page, new URL((await emulator.lastMessage(email)).link).search);
  const landed = await sdk(page, (s) => s.authenticateByUrl({ session_duration_minutes: 60 }));
  expect(landed.handled).toBe(true);
  return landed.data;
}

test.beforeEach(async ({ request }) => {
  expect((await request.post(`${EMULATOR}/emulator/v1/reset`)).ok()).toBeTruthy();
});

test('official SDK: TOTP enrolment, recovery codes, SMS codes, impersonation, revoke for a member', async ({ page, emulator, request }) => {
  const errors = await serveOfficialSdk(page, EMULATOR);
  await openOfficialSdk(page);
  await requireMfa(request);
  const organization_id = await acmeId(page);
  const email = freshEmail('mfa');

  // The primary factor gives an IST (in its cookie) and mfa_required, not a session.
  const primary = await officialMagicLink(page, emulator, organization_id, email);
  expect(primary.member_authenticated).toBe(false);
  expect(primary.member_session).toBeNull();
  expect(primary.mfa_required).toEqual({
    member_options: { mfa_phone_number: '', totp_registration_id: '' },
    secondary_auth_initiated: null,
  });
  expect(await istCookie(page)).toBe(primary.intermediate_session_token);
  const member_id = primary.member_id;

  // TOTP: create with the IST, authenticate with a code computed from the secret.
  const created = await sdk(page, (s, a) => s.totp.create(a), { organization_id, member_id });
  expect(created.secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(created.qr_code).toMatch(/^data:image\/png;base64,/);
  expect(created.recovery_codes).toHaveLength(10);
  const wrong = await sdkError(page, (s, a) => s.totp.authenticate(a), {
    organization_id, member_id, code: totpNow(created.secret) === '000000' ? '111111' : '000000', session_duration_minutes: 60,
  });
  expect(wrong.error_type).toBe('unable_to_authenticate_totp');
  const signedIn = await sdk(page, (s, a) => s.totp.authenticate(a), {
    organization_id, member_id, code: totpNow(created.secret), session_duration_minutes: 60,
  });
  expect(signedIn.member_session.authentication_factors.map((f: any) => f.type)).toEqual(['magic_link', 'totp']);
  expect(await istCookie(page)).toBeUndefined();
  expect(await sdk(page, (s) => s.session.getTokens())).not.toBeNull();

  // Recovery codes: get returns them, rotate replaces all ten.
  expect((await sdk(page, (s) => s.recoveryCodes.get())).recovery_codes).toEqual(created.recovery_codes);
  const rotated = (await sdk(page, (s) => s.recoveryCodes.rotate())).recovery_codes;
  expect(rotated).toHaveLength(10);
  expect(rotated.filter((c: string) => created.recovery_codes.includes(c))).toEqual([]);

  // SMS, added to the session: send to a new phone, authenticate its code.
  const phone = '+15555550177';
  await sdk(page, (s, a) => s.otps.sms.send(a), { organization_id, member_id, mfa_phone_number: phone });
  const text = await emulator.lastMessage(phone);
  expect(text.kind).toBe('sms');
  const withSms = await sdk(page, (s, a) => s.otps.sms.authenticate(a), {
    organization_id, member_id, code: text.code, session_duration_minutes: 60,
  });
  expect(withSms.member.mfa_phone_number_verified).toBe(true);
  expect(withSms.member_session.authentication_factors.map((f: any) => f.delivery_method)).toContain('sms');
  await sdk(page, (s) => s.session.revoke());

  // The next login: a recovery code as the second factor.
  await officialMagicLink(page, emulator, organization_id, email);
  const recovered = await sdk(page, (s, a) => s.recoveryCodes.recover(a), {
    organization_id, member_id, recovery_code: rotated[0], session_duration_minutes: 60,
  });
  expect(recovered.recovery_codes_remaining).toBe(9);
  expect(recovered.member_session.member_id).toBe(member_id);

  // This member may not revoke another's sessions (no stytch.member revoke-sessions).
  const admin = await (await request.get(`${EMULATOR}/v1/b2b/organizations/${organization_id}/member?email_address=admin%40example.com`, {
    headers: await backendAuth(request),
  })).json();
  const refused = await sdkError(page, (s, a) => s.session.revokeForMember(a), { member_id: admin.member.member_id });
  expect(refused.isStytchAPIError).toBe(true);
  await sdk(page, (s) => s.session.revoke());

  // Impersonation: a link minted by the control API, handled by authenticateByUrl.
  const minted = await (await request.post(`${EMULATOR}/emulator/v1/impersonation_tokens`, {
    data: { organization_id, member_id, impersonator_email_address: 'support@example.com', reason: 'conformance' },
  })).json();
  expect(minted.url).toContain('stytch_token_type=multi_tenant_impersonation');
  await openOfficialSdk(page, new URL(minted.url).search);
  const impersonated = await sdk(page, (s) => s.authenticateByUrl({ session_duration_minutes: 60 }));
  expect(impersonated.handled).toBe(true);
  expect(impersonated.data.member_session.authentication_factors.map((f: any) => f.type)).toEqual(['impersonated']);
  expect(errors).toEqual([]);
});

test('our client sends what the official SDK sends: TOTP enrolment at login, then a recovery-code login', async ({ browser, page, demo, emulator, request }) => {
  await requireMfa(request);
  // One new member per client (both sign up by magic link), so both runs start alike.
  const offEmail = freshEmail('mfa-official');
  const ourEmail = freshEmail('mfa-ours');

  // The official SDK, step for step what the demo does.
  const off = await officialSession(browser);
  let organization_id = await acmeId(off.page);
  const primary = await officialMagicLink(off.page, emulator, organization_id, offEmail);
  const ids = { organization_id, member_id: primary.member_id };
  const created = await sdk(off.page, (s, a) => s.totp.create(a), ids);
  await sdk(off.page, (s, a) => s.totp.authenticate(a), { ...ids, code: totpNow(created.secret), session_duration_minutes: 60 });
  await sdk(off.page, (s) => s.session.revoke());
  organization_id = await acmeId(off.page);
  await officialMagicLink(off.page, emulator, organization_id, offEmail);
  await sdk(off.page, (s, a) => s.recoveryCodes.recover(a), { ...ids, recovery_code: created.recovery_codes[0], session_duration_minutes: 60 });
  await sdk(off.page, (s) => s.session.revoke());
  const official = await off.finish();

  // Our client, through the demo.
  const log = recordSdkRequests(page, EMULATOR);
  const openLink = async () => {
    await demo.requestLink(ourEmail);
    await expect(page.locator('#login-status')).toContainText('link');
    const message = await emulator.lastMessage(ourEmail);
    await page.locator(`.message[data-message-id="${message.message_id}"] .message-link`).click();
    await expect(page.locator('#mfa')).toBeVisible();
  };
  await demo.open();
  await openLink();
  await page.click('#mfa-enroll-totp');
  const secret = ((await page.locator('#mfa-totp-secret').textContent()) ?? '').trim();
  await page.fill('#mfa-totp-code', totpNow(secret));
  await page.click('#mfa-totp-submit');
  const recovery = ((await page.locator('#recovery-codes li').first().textContent()) ?? '').trim();
  await page.click('#recovery-codes-done');
  await expect(page.locator('#member-email')).toHaveText(ourEmail);
  await demo.logout();
  await emulator.request.delete(`${EMULATOR}/emulator/v1/messages`);
  await openLink();
  await page.click('#mfa-use-recovery');
  await page.fill('#mfa-recovery-code', recovery);
  await page.click('#mfa-recovery-submit');
  await expect(page.locator('#member-email')).toHaveText(ourEmail);
  await demo.logout();
  const ours = await log.calls();
  await test.info().attach('sdk-requests.json', { body: JSON.stringify({ official, ours }, null, 2), contentType: 'application/json' });

  expectSameRequests(official, ours, SITE_ORIGIN, [
    'GET /projects/bootstrap/{public_token}',
    'POST /b2b/magic_links/authenticate',
    'POST /b2b/totp',
    'POST /b2b/totp/authenticate',
    'POST /b2b/recovery_codes/recover',
    'POST /b2b/sessions/revoke',
  ]);
});
