// An app's own end-to-end test, written with nothing but the kit in ../support/stytch-emulator.ts: the
// demo stands for the app, and it opens already signed in, without its login UI.
import { test, expect } from '@playwright/test';
import { EMULATOR } from '../playwright.config';
import { lastMessage, resetEmulator, signIn, startEmulator, stopEmulator } from '../support/stytch-emulator';

// The demo is built against the emulator Playwright's webServer runs: attach to it.
test.beforeAll(async () => {
  await startEmulator({ url: EMULATOR });
});
test.beforeEach(async () => {
  await resetEmulator();
});

test('the app opens signed in, no login UI', async ({ page, context, baseURL }) => {
  await signIn(context, { organization: 'acme', email: 'admin@example.com', url: baseURL });
  await page.goto('/');
  await expect(page.locator('#member-email')).toHaveText('admin@example.com');
  await expect(page.locator('#org-name')).toHaveText('Acme (acme)');
  await expect(page.locator('#member-status')).toHaveText('active');
  await expect(page.locator('#login-email')).toHaveCount(0);
  // The SDK checked the session with the API, not only the cookie.
  await expect(page.locator('#session-from-cache')).toHaveText('false');
});

test('a new member with a role, and a short session', async ({ page, context, baseURL }) => {
  const session = await signIn(context, {
    organization: 'acme',
    email: 'newcomer@example.com',
    roles: ['stytch_admin'],
    sessionDurationMinutes: 10,
    url: baseURL,
  });
  expect(session.member_created).toBe(true);
  const cookie = (await context.cookies()).find((c) => c.name === 'stytch_session');
  expect(cookie?.value).toBe(session.session_token);
  expect(cookie?.sameSite).toBe('Lax');
  expect(Math.round(cookie!.expires)).toBe(Date.parse(session.member_session.expires_at) / 1000);

  await page.goto('/');
  await expect(page.locator('#member-email')).toHaveText('newcomer@example.com');
  // The admin-only organization settings are editable for this member.
  await page.click('#tab-organization');
  await expect(page.locator('#org-settings-name')).toBeEnabled();
});

test('an emulator of its own: sign-in refused by JIT rules, and the mailbox', async ({ context }) => {
  const own = await startEmulator({ seed: '../emulator/seeds/demo.json' });
  try {
    expect(own.url).not.toBe(EMULATOR);
    await expect(
      signIn(context, { emulator: own, organization: 'globex', email: 'new@globex.test', url: 'http://127.0.0.1:8080' }),
    ).rejects.toThrow('email_jit_provisioning_not_allowed');

    const resp = await fetch(`${own.url}/sdk/v1/b2b/magic_links/email/login_or_signup`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${own.publicToken}:${own.publicToken}`).toString('base64')}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ organization_id: 'acme', email_address: 'member@example.com' }),
    });
    expect(resp.status).toBe(200);
    const message = await lastMessage('member@example.com', { emulator: own });
    expect(message.link).toContain(`token=${message.token}`);
  } finally {
    await stopEmulator(own);
  }
  await expect(fetch(`${own.url}/emulator/v1/health`)).rejects.toThrow();
});
