import { test, expect } from './fixtures';

test('magic-link login, session tokens, backend check, reload, logout', async ({ demo, emulator, page, context }) => {
  await demo.open();
  await expect(page).toHaveTitle('leptos-stytch demo');

  // Signed out: Get Session Tokens finds nothing.
  await demo.getTokens();
  await expect(page.locator('#no-tokens')).toBeVisible();
  await expect(page.getByTestId('session-token')).toHaveCount(0);

  await demo.requestLink('admin@example.com');
  await expect(page.locator('#login-status')).toContainText('login link');

  // The email reaches the inbox; open its link like a person would.
  const message = await emulator.lastMessage('admin@example.com');
  expect(message.link).toContain('stytch_token_type=multi_tenant_magic_links');
  const link = page.locator(`.message[data-message-id="${message.message_id}"] .message-link`);
  await expect(link).toBeVisible();
  await link.click();

  await expect(page.locator('#member-email')).toHaveText('admin@example.com');
  await expect(page.locator('#org-name')).toHaveText('Acme (acme)');
  await expect(page.locator('#member-status')).toHaveText('active');
  await expect(page.locator('#session-factors')).toContainText('magic_link');
  // The single-use token is gone from the address bar.
  expect(page.url()).not.toContain('token=');

  // Get Session Tokens shows exactly the cookies' values, as text.
  await demo.getTokens();
  const cookies = Object.fromEntries((await context.cookies()).map((c) => [c.name, c]));
  expect(cookies.stytch_session?.sameSite).toBe('Lax');
  expect(cookies.stytch_session?.httpOnly).toBe(false);
  await expect(page.getByTestId('session-token')).toHaveText(cookies.stytch_session.value);
  await expect(page.getByTestId('session-jwt')).toHaveText(cookies.stytch_session_jwt.value);

  // The app's server would accept that JWT.
  const jwt = await page.getByTestId('session-jwt').innerText();
  const verdict = await emulator.backendAuthenticate({ session_jwt: jwt });
  expect(verdict.status()).toBe(200);
  expect((await verdict.json()).member.email_address).toBe('admin@example.com');

  // Reload: the session is restored.
  await page.reload();
  await expect(page.locator('#member-email')).toHaveText('admin@example.com');
  await expect(page.locator('#session-from-cache')).toHaveText('false');

  // Logout: cookies gone, Get Session Tokens shows nothing, and the server no longer knows the session.
  await demo.logout();
  await demo.getTokens();
  await expect(page.locator('#no-tokens')).toBeVisible();
  await expect(page.getByTestId('session-token')).toHaveCount(0);
  const names = (await context.cookies()).map((c) => c.name);
  expect(names).not.toContain('stytch_session');
  expect(names).not.toContain('stytch_session_jwt');
  expect((await emulator.backendAuthenticate({ session_token: cookies.stytch_session.value })).status()).toBe(404);
});

test('a new member signs up through a sign-up link', async ({ demo, emulator, page }) => {
  await demo.open();
  await demo.requestLink('newcomer@example.com');
  await expect(page.locator('#login-status')).toContainText('sign-up link');
  const message = await emulator.lastMessage('newcomer@example.com');
  await page.goto(message.link);
  await expect(page.locator('#member-email')).toHaveText('newcomer@example.com');
  await expect(page.locator('#member-status')).toHaveText('active');
});

test('errors are shown, not thrown', async ({ demo, emulator, page }) => {
  await demo.open();
  await demo.requestLink('someone@elsewhere.test');
  await expect(page.locator('#login-error')).toContainText('jit');

  await demo.requestLink('admin@example.com', 'no-such-org');
  await expect(page.locator('#login-error')).toContainText('no-such-org');

  // A used link is refused with a readable message and the user stays signed out.
  await demo.requestLink('admin@example.com');
  await expect(page.locator('#login-status')).toContainText('login link');
  const message = await emulator.lastMessage('admin@example.com');
  await page.goto(message.link);
  await expect(page.locator('#member-email')).toHaveText('admin@example.com');
  await demo.logout();
  await page.goto(message.link);
  await expect(page.locator('#landing-error')).toContainText('unable_to_auth_magic_link');
  await expect(page.locator('#login-email')).toBeVisible();
});
