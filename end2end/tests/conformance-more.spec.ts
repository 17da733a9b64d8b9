// Conformance, continued: the methods of issue 3 that conformance.spec.ts does not drive, each called through
// the official `@stytch/vanilla-js` (pinned) in Chromium against the emulator, with the results asserted.
import { randomUUID } from 'node:crypto';
import type { APIRequestContext, Page } from '@playwright/test';
import { test, expect, EMULATOR, type Emulator } from './fixtures';
import { openOfficialSdk, sdk, sdkError, serveOfficialSdk, OFFICIAL_SDK_VERSION } from './conformance/official-sdk';
import { backendAuth } from './conformance/session';

const STRONG_PASSWORD = 'violet-Quokka-juggles-47-lanterns!';
const NEWER_PASSWORD = 'amber-Heron-sketches-83-bridges?';

/** A new address at Acme's domain (example.com). */
const freshEmail = (label: string) => `conf-${label}-${randomUUID().slice(0, 8)}@example.com`;

/** A page with the official SDK loaded; the returned list collects the page's errors. */
async function officialPage(page: Page) {
  const errors = await serveOfficialSdk(page, EMULATOR);
  await openOfficialSdk(page);
  return errors;
}

async function orgId(page: Page, organization_slug: string): Promise<string> {
  const found = await sdk(page, (s, organization_slug) => s.organization.getBySlug({ organization_slug }), organization_slug);
  expect((found as any).organization?.organization_slug).toBe(organization_slug);
  return (found as any).organization.organization_id;
}

async function cookie(page: Page, name: string) {
  return (await page.context().cookies()).find((c) => c.name === name);
}

/** The backend's view of a member, by email. */
async function backendMember(request: APIRequestContext, organization_id: string, email_address: string) {
  const resp = await request.get(
    `${EMULATOR}/v1/b2b/organizations/${organization_id}/member?email_address=${encodeURIComponent(email_address)}`,
    { headers: await backendAuth(request) },
  );
  expect(resp.status(), await resp.text()).toBe(200);
  return (await resp.json()).member;
}

/** Creates a new Acme member with `password` through the (already conformance-tested) reset-by-email flow. */
async function memberWithPassword(page: Page, emulator: Emulator, organization_id: string, email: string, password: string) {
  await sdk(page, (s, a) => s.passwords.resetByEmailStart(a), { organization_id, email_address: email });
  const message = await emulator.lastMessage(email);
  const reset = await sdk(
    page,
    (s, a) => s.passwords.resetByEmail({ password_reset_token: a[0], password: a[1], session_duration_minutes: 60 }),
    [message.token, password],
  );
  expect(reset.member.email_address).toBe(email);
  await sdk(page, (s) => s.session.revoke());
  // Empty the inbox so the next lastMessage(email) waits for the next message rather than finding this one.
  expect((await emulator.request.delete(`${EMULATOR}/emulator/v1/messages`)).ok()).toBeTruthy();
  return reset.member_id as string;
}

/** Signs `email` in to an organization with an email magic link; returns the authenticate response. */
async function magicLinkLogin(page: Page, emulator: Emulator, organization_id: string, email: string) {
  await sdk(page, (s, a) => s.magicLinks.email.loginOrSignup(a), { email_address: email, organization_id });
  const message = await emulator.lastMessage(email);
  const auth = await sdk(page, (s, token) => s.magicLinks.authenticate({ magic_links_token: token, session_duration_minutes: 60 }), message.token);
  expect(auth.member.email_address).toBe(email);
  return auth;
}

/** What a discovery authenticate must leave behind: the IST in its cookie, no session, and the listed orgs. */
async function expectDiscoveryState(page: Page, resp: any, email: string) {
  expect(resp.email_address).toBe(email);
  expect(resp.intermediate_session_token).toBeTruthy();
  expect((await cookie(page, 'stytch_intermediate_session_token'))?.value).toBe(resp.intermediate_session_token);
  expect(await sdk(page, (s) => s.session.getTokens())).toBeNull();
  // The SDK sends the IST from its cookie and the emulator lists the same organizations.
  const listed = await sdk(page, (s) => s.discovery.organizations.list());
  expect(listed.email_address).toBe(email);
  const slugs = (d: any[]) => d.map((x) => `${x.organization.organization_slug}:${x.membership.type}`).sort();
  expect(slugs(listed.discovered_organizations)).toEqual(slugs(resp.discovered_organizations));
}

test.beforeEach(async ({ request }) => {
  expect((await request.post(`${EMULATOR}/emulator/v1/reset`)).ok()).toBeTruthy();
});

test.describe(`official @stytch/vanilla-js ${OFFICIAL_SDK_VERSION}: the rest of issue 3`, () => {
  test('passwords.resetByExistingPassword: new password works, old one is refused', async ({ page, emulator }) => {
    const errors = await officialPage(page);
    const email = freshEmail('rbep');
    const organization_id = await orgId(page, 'acme');
    const member_id = await memberWithPassword(page, emulator, organization_id, email, STRONG_PASSWORD);

    // A wrong existing password is refused and sets no session.
    const wrong = await sdkError(
      page,
      (s, a) => s.passwords.resetByExistingPassword({ ...a, session_duration_minutes: 60 }),
      { organization_id, email_address: email, existing_password: NEWER_PASSWORD, new_password: NEWER_PASSWORD },
    );
    expect(wrong.isStytchAPIError).toBe(true);
    expect(wrong.error_type).toBe('unauthorized_credentials');
    expect(await sdk(page, (s) => s.session.getTokens())).toBeNull();

    const changed = await sdk(
      page,
      (s, a) => s.passwords.resetByExistingPassword({ ...a, session_duration_minutes: 60 }),
      { organization_id, email_address: email, existing_password: STRONG_PASSWORD, new_password: NEWER_PASSWORD },
    );
    expect(changed.member_id).toBe(member_id);
    expect(changed.member.email_address).toBe(email);
    expect(changed.member_session.organization_id).toBe(organization_id);
    expect((await sdk(page, (s) => s.session.getTokens()))?.session_token).toBe(changed.session_token);
    expect((await emulator.backendAuthenticate({ session_token: changed.session_token })).status()).toBe(200);
    await sdk(page, (s) => s.session.revoke());

    const login = await sdk(
      page,
      (s, a) => s.passwords.authenticate({ ...a, session_duration_minutes: 60 }),
      { organization_id, email_address: email, password: NEWER_PASSWORD },
    );
    expect(login.member_id).toBe(member_id);
    expect(login.member_session.authentication_factors.map((f: any) => f.type)).toContain('password');
    await sdk(page, (s) => s.session.revoke());

    const old = await sdkError(
      page,
      (s, a) => s.passwords.authenticate({ ...a, session_duration_minutes: 60 }),
      { organization_id, email_address: email, password: STRONG_PASSWORD },
    );
    expect(old.isStytchAPIError).toBe(true);
    expect(old.error_type).toBe('unauthorized_credentials');
    expect(old.status_code).toBe(401);
    expect(await sdk(page, (s) => s.session.getTokens())).toBeNull();
    expect(errors).toEqual([]);
  });

  test('passwords.discovery.authenticate: IST stored, organizations listed', async ({ page, emulator }) => {
    const errors = await officialPage(page);
    const email = freshEmail('pwdisc');
    const organization_id = await orgId(page, 'acme');
    await memberWithPassword(page, emulator, organization_id, email, STRONG_PASSWORD);

    const wrong = await sdkError(page, (s, a) => s.passwords.discovery.authenticate(a), { email_address: email, password: NEWER_PASSWORD });
    expect(wrong.isStytchAPIError).toBe(true);
    expect(wrong.error_type).toBe('unauthorized_credentials');
    expect(await cookie(page, 'stytch_intermediate_session_token')).toBeUndefined();

    const found = await sdk(page, (s, a) => s.passwords.discovery.authenticate(a), { email_address: email, password: STRONG_PASSWORD });
    const acme = found.discovered_organizations.find((d: any) => d.organization.organization_id === organization_id);
    expect(acme?.membership.type).toBe('active_member');
    expect(acme?.membership.member?.email_address).toBe(email);
    await expectDiscoveryState(page, found, email);

    // The IST enters Acme.
    const joined = await sdk(page, (s, organization_id) => s.discovery.intermediateSessions.exchange({ organization_id, session_duration_minutes: 60 }), organization_id);
    expect(joined.member.email_address).toBe(email);
    expect(joined.member_session.organization_id).toBe(organization_id);
    expect(await cookie(page, 'stytch_intermediate_session_token')).toBeUndefined();
    expect(errors).toEqual([]);
  });

  test('passwords.discovery.resetByEmailStart + resetByEmail: IST and discovered organizations', async ({ page, emulator }) => {
    const errors = await officialPage(page);
    const email = freshEmail('pwdreset');
    const organization_id = await orgId(page, 'acme');
    await memberWithPassword(page, emulator, organization_id, email, STRONG_PASSWORD);

    const started = await sdk(page, (s, email_address) => s.passwords.discovery.resetByEmailStart({ email_address }), email);
    expect(started.status_code).toBe(200);
    const message = await emulator.lastMessage(email);
    expect(message.token).toBeTruthy();
    expect(message.link).toContain('stytch_token_type=multi_tenant_passwords');

    // A weak password is refused and the token stays usable.
    const weak = await sdkError(
      page,
      (s, a) => s.passwords.discovery.resetByEmail({ password_reset_token: a[0], password: a[1] }),
      [message.token, 'password'],
    );
    expect(weak.error_type).toBe('weak_password');

    const reset = await sdk(
      page,
      (s, a) => s.passwords.discovery.resetByEmail({ password_reset_token: a[0], password: a[1] }),
      [message.token, NEWER_PASSWORD],
    );
    const acme = reset.discovered_organizations.find((d: any) => d.organization.organization_id === organization_id);
    expect(acme?.membership.type).toBe('active_member');
    await expectDiscoveryState(page, reset, email);

    // The token is single use; the new password works, the old one no longer does.
    const reused = await sdkError(
      page,
      (s, a) => s.passwords.discovery.resetByEmail({ password_reset_token: a[0], password: a[1] }),
      [message.token, NEWER_PASSWORD],
    );
    expect(reused.isStytchAPIError).toBe(true);
    expect(reused.error_type).toBe('unable_to_auth_password_reset_token');
    expect(reused.status_code).toBe(401);
    const login = await sdk(
      page,
      (s, a) => s.passwords.authenticate({ ...a, session_duration_minutes: 60 }),
      { organization_id, email_address: email, password: NEWER_PASSWORD },
    );
    expect(login.member.email_address).toBe(email);
    await sdk(page, (s) => s.session.revoke());
    const old = await sdkError(
      page,
      (s, a) => s.passwords.authenticate({ ...a, session_duration_minutes: 60 }),
      { organization_id, email_address: email, password: STRONG_PASSWORD },
    );
    expect(old.error_type).toBe('unauthorized_credentials');
    expect(errors).toEqual([]);
  });

  test('otps.email.discovery.send + authenticate: IST and discovered organizations', async ({ page, emulator }) => {
    const errors = await officialPage(page);
    const email = 'admin@example.com';
    const acmeId = await orgId(page, 'acme');

    const sent = await sdk(page, (s, email_address) => s.otps.email.discovery.send({ email_address }), email);
    expect(sent.status_code).toBe(200);
    const message = await emulator.lastMessage(email);
    expect(message.code).toMatch(/^\d{6}$/);

    const wrongCode = message.code === '000000' ? '000001' : '000000';
    const wrong = await sdkError(page, (s, a) => s.otps.email.discovery.authenticate(a), { email_address: email, code: wrongCode });
    expect(wrong.isStytchAPIError).toBe(true);
    expect(wrong.error_type).toBe('unable_to_auth_otp_code');
    expect(await cookie(page, 'stytch_intermediate_session_token')).toBeUndefined();

    const found = await sdk(page, (s, a) => s.otps.email.discovery.authenticate(a), { email_address: email, code: message.code });
    const acme = found.discovered_organizations.find((d: any) => d.organization.organization_id === acmeId);
    expect(acme?.membership.type).toBe('active_member');
    expect(acme?.membership.member?.email_address).toBe(email);
    await expectDiscoveryState(page, found, email);

    // The code is single use.
    const reused = await sdkError(page, (s, a) => s.otps.email.discovery.authenticate(a), { email_address: email, code: message.code });
    expect(reused.error_type).toBe('unable_to_auth_otp_code');

    const joined = await sdk(page, (s, organization_id) => s.discovery.intermediateSessions.exchange({ organization_id, session_duration_minutes: 60 }), acmeId);
    expect(joined.member_session.authentication_factors.map((f: any) => f.type)).toContain('email_otp');
    expect(errors).toEqual([]);
  });

  test('session.exchange: a member of two organizations moves from Acme to Globex', async ({ page, emulator, request }) => {
    const errors = await officialPage(page);
    const email = freshEmail('xchg');
    const acmeId = await orgId(page, 'acme');
    const orgs = (await (await request.get(`${EMULATOR}/emulator/v1/organizations`)).json()).organizations;
    const globexId = orgs.find((o: any) => o.organization_slug === 'globex')?.organization_id;
    expect(globexId).toBeTruthy();

    const first = await magicLinkLogin(page, emulator, acmeId, email);
    expect(first.member_session.organization_id).toBe(acmeId);

    // Without a membership in Globex there is nothing to exchange into.
    const none = await sdkError(page, (s, organization_id) => s.session.exchange({ organization_id, session_duration_minutes: 60 }), globexId);
    expect(none.isStytchAPIError).toBe(true);
    expect(none.error_type).toBe('member_not_found');
    expect((await sdk(page, (s) => s.session.getTokens()))?.session_token).toBe(first.session_token);

    // The second membership, through the backend API.
    const created = await request.post(`${EMULATOR}/v1/b2b/organizations/${globexId}/members`, {
      headers: await backendAuth(request),
      data: { email_address: email, name: 'Two Orgs' },
    });
    expect(created.status(), await created.text()).toBe(200);
    const globexMember = (await created.json()).member;
    expect(globexMember.status).toBe('active');

    const moved = await sdk(page, (s, organization_id) => s.session.exchange({ organization_id, session_duration_minutes: 60 }), globexId);
    expect(moved.member_authenticated).toBe(true);
    expect(moved.organization.organization_id).toBe(globexId);
    expect(moved.member_id).toBe(globexMember.member_id);
    expect(moved.member_id).not.toBe(first.member_id);
    expect(moved.member.email_address).toBe(email);
    expect(moved.member_session.organization_id).toBe(globexId);
    expect(moved.session_token).not.toBe(first.session_token);

    // The SDK stored the new session and the rest of the API sees Globex.
    expect((await sdk(page, (s) => s.session.getTokens()))?.session_token).toBe(moved.session_token);
    expect((await cookie(page, 'stytch_session'))?.value).toBe(moved.session_token);
    expect((await sdk(page, (s) => s.organization.get())).organization_id).toBe(globexId);
    expect((await sdk(page, (s) => s.self.get())).member_id).toBe(globexMember.member_id);
    const backend = await emulator.backendAuthenticate({ session_token: moved.session_token });
    expect(backend.status()).toBe(200);
    expect((await backend.json()).member_session.organization_id).toBe(globexId);
    expect(errors).toEqual([]);
  });

  test('magicLinks.email.invite by an admin: invite email sent, member invited', async ({ page, emulator, request }) => {
    const errors = await officialPage(page);
    const acmeId = await orgId(page, 'acme');
    const invitee = freshEmail('inv');

    // Without a session the invite is refused.
    const anonymous = await sdkError(page, (s, email_address) => s.magicLinks.email.invite({ email_address }), invitee);
    expect(anonymous.isStytchAPIError).toBe(true);
    expect(anonymous.error_type).toBe('unauthorized_credentials');
    expect(anonymous.status_code).toBe(401);

    const admin = await magicLinkLogin(page, emulator, acmeId, 'admin@example.com');
    expect(admin.member_session.roles).toContain('stytch_admin');

    const invited = await sdk(
      page,
      (s, email_address) => s.magicLinks.email.invite({ email_address, name: 'Ivy Invitee' }),
      invitee,
    );
    expect(invited.member.email_address).toBe(invitee);
    expect(invited.member.status).toBe('invited');
    expect(invited.member.organization_id).toBe(acmeId);
    // The admin's session is untouched.
    expect((await sdk(page, (s) => s.session.getTokens()))?.session_token).toBe(admin.session_token);

    const message = await emulator.lastMessage(invitee);
    expect(message.token).toBeTruthy();
    expect(message.link).toContain('stytch_token_type=multi_tenant_magic_links');
    const stored = await backendMember(request, acmeId, invitee);
    expect(stored.member_id).toBe(invited.member_id);
    expect(stored.status).toBe('invited');
    expect(stored.name).toBe('Ivy Invitee');

    // The invitee accepts: the link's token signs them in and the membership becomes active.
    await sdk(page, (s) => s.session.revoke());
    const accepted = await sdk(
      page,
      (s, token) => s.magicLinks.authenticate({ magic_links_token: token, session_duration_minutes: 60 }),
      message.token,
    );
    expect(accepted.member_id).toBe(invited.member_id);
    expect(accepted.member.status).toBe('active');
    expect((await backendMember(request, acmeId, invitee)).status).toBe('active');
    expect(errors).toEqual([]);
  });
});
