import { test, expect, type DemoPage, type Emulator } from './fixtures';

// The demo seed gives member@example.com (Acme) this password; see emulator/seeds/demo.json.
const MEMBER_PASSWORD = 'violet-kettle-harbor-29';

/** Picks a sign-in method in the organization flow and fills the organization and email. */
async function organizationLogin(demo: DemoPage, method: 'otp' | 'password', email: string, org = 'acme') {
  const page = demo.page;
  await page.click(`#method-${method}`);
  await expect(page.locator(`#method-${method}`)).toHaveAttribute('aria-selected', 'true');
  await page.fill('#login-org', org);
  await page.fill('#login-email', email);
}

async function signInWithPassword(demo: DemoPage, email: string, password: string) {
  await organizationLogin(demo, 'password', email);
  await demo.page.fill('#login-password', password);
  await demo.page.click('#password-submit');
}

/** Starts discovery and asks for a link (or a code) for `email`. */
async function startDiscovery(demo: DemoPage, email: string, by: 'link' | 'code') {
  const page = demo.page;
  await page.click('#discovery-start');
  await page.fill('#discovery-email', email);
  await page.click(by === 'link' ? '#discovery-send-link' : '#discovery-send-code');
  await expect(page.locator('#discovery-status')).toContainText(email);
}

/** Another six-digit code than `code`. */
function otherCode(code: string) {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

async function expectSignedIn(demo: DemoPage, email: string, org: string, factor: string) {
  const page = demo.page;
  await expect(page.locator('#member-email')).toHaveText(email);
  await expect(page.locator('#org-name')).toHaveText(org);
  await expect(page.locator('#session-factors')).toContainText(factor);
  await expect(page.locator('#login-form')).toHaveCount(0);
}

async function openLink(demo: DemoPage, emulator: Emulator, to: string, tokenType: string) {
  const message = await emulator.lastMessage(to);
  expect(message.link).toContain(`stytch_token_type=${tokenType}`);
  // Open it from the inbox panel, like a person would.
  const link = demo.page.locator(`.message[data-message-id="${message.message_id}"] .message-link`);
  await expect(link).toBeVisible();
  await link.click();
  return message.link as string;
}

test('discovery: an emailed link lists the organizations, and picking Acme signs in', async ({ demo, emulator, page }) => {
  await demo.open();
  await startDiscovery(demo, 'admin@example.com', 'link');
  await openLink(demo, emulator, 'admin@example.com', 'discovery');

  await expect(page.locator('#discovered-email')).toHaveText('admin@example.com');
  const acme = page.locator('.discovered-org[data-org-slug="acme"]');
  await expect(acme).toContainText('Acme');
  await expect(acme).toContainText('Member');
  // Only the organizations this email belongs to or may join.
  await expect(page.locator('.discovered-org')).toHaveCount(1);
  expect(page.url()).not.toContain('token=');

  await acme.locator('.discovered-org-enter').click();
  await expectSignedIn(demo, 'admin@example.com', 'Acme (acme)', 'magic_link');
  await expect(page.locator('#member-roles')).toContainText('stytch_admin');

  // The session survives a reload, so it is a real session and not the discovery's intermediate one.
  await page.reload();
  await expect(page.locator('#member-email')).toHaveText('admin@example.com');
});

test('discovery: a new organization is created and its creator signed in as its admin', async ({ demo, emulator, page }) => {
  await demo.open();
  await startDiscovery(demo, 'founder@startup.test', 'link');
  await openLink(demo, emulator, 'founder@startup.test', 'discovery');

  await expect(page.locator('#discovered-email')).toHaveText('founder@startup.test');
  await expect(page.locator('#discovered-none')).toBeVisible();

  // A slug that is taken is refused readably, and the user can try again.
  await page.fill('#create-org-name', 'Startup');
  await page.fill('#create-org-slug', 'acme');
  await page.click('#create-org-submit');
  await expect(page.locator('#picker-error')).toContainText('organization_slug_already_used');

  await page.fill('#create-org-slug', 'startup');
  await page.click('#create-org-submit');
  await expectSignedIn(demo, 'founder@startup.test', 'Startup (startup)', 'magic_link');
  await expect(page.locator('#member-roles')).toContainText('stytch_admin');
  await expect(page.locator('#member-status')).toHaveText('active');
});

test('discovery by code: a newcomer joins Acme through its email domain', async ({ demo, emulator, page }) => {
  // Acme offers its domain to newcomers only once a member has proved an address on it (Stytch's
  // anti-phishing rule): the admin signs in by magic link once.
  await demo.open();
  await demo.requestLink('admin@example.com');
  await openLink(demo, emulator, 'admin@example.com', 'multi_tenant_magic_links');
  await expect(page.locator('#member-email')).toHaveText('admin@example.com');
  await demo.logout();

  await startDiscovery(demo, 'newcomer@example.com', 'code');
  const message = await emulator.lastMessage('newcomer@example.com');
  expect(message.code).toMatch(/^\d{6}$/);

  await page.fill('#discovery-code', otherCode(message.code));
  await page.click('#discovery-verify');
  await expect(page.locator('#discovery-error')).toContainText('unable_to_auth_otp_code');

  await page.fill('#discovery-code', message.code);
  await page.click('#discovery-verify');
  const acme = page.locator('.discovered-org[data-org-slug="acme"]');
  await expect(acme).toContainText('email domain');
  await expect(acme.locator('.discovered-org-enter')).toHaveText('Join');
  await acme.locator('.discovered-org-enter').click();
  await expectSignedIn(demo, 'newcomer@example.com', 'Acme (acme)', 'email_otp');
  await expect(page.locator('#member-status')).toHaveText('active');
});

test('email code: a wrong code is refused, the emailed one signs in', async ({ demo, emulator, page }) => {
  await demo.open();
  await organizationLogin(demo, 'otp', 'admin@example.com');
  await page.click('#otp-send');
  await expect(page.locator('#login-status')).toContainText('A code for Acme');
  const message = await emulator.lastMessage('admin@example.com');
  expect(message.code).toMatch(/^\d{6}$/);
  // The code is in the inbox panel too.
  await expect(page.locator(`.message[data-message-id="${message.message_id}"] .message-code`)).toHaveText(message.code);

  await page.fill('#login-code', otherCode(message.code));
  await page.click('#otp-verify');
  await expect(page.locator('#login-error')).toContainText('unable_to_auth_otp_code');
  await expect(page.locator('#member-email')).toHaveCount(0);

  await page.fill('#login-code', message.code);
  await page.click('#otp-verify');
  await expectSignedIn(demo, 'admin@example.com', 'Acme (acme)', 'email_otp');
});

test('password: a wrong password shows an error, the right one signs in', async ({ demo, page }) => {
  await demo.open();
  await signInWithPassword(demo, 'member@example.com', 'not-the-password-1');
  await expect(page.locator('#login-error')).toContainText('unauthorized_credentials');
  await expect(page.locator('#member-email')).toHaveCount(0);

  // A member with no password is told how to get one.
  await page.fill('#login-email', 'admin@example.com');
  await page.click('#password-submit');
  await expect(page.locator('#login-error')).toContainText('member_password_not_found');

  await page.fill('#login-email', 'member@example.com');
  await page.fill('#login-password', MEMBER_PASSWORD);
  await page.click('#password-submit');
  await expectSignedIn(demo, 'member@example.com', 'Acme (acme)', 'password');
});

test('password reset: emailed link, new password, signed in; then only the new password works', async ({ demo, emulator, page }) => {
  const newPassword = 'quiet-lantern-meadow-57';
  await demo.open();
  await organizationLogin(demo, 'password', 'member@example.com');
  await page.click('#password-forgot');
  await expect(page.locator('#login-status')).toContainText('password reset link');
  const link = await openLink(demo, emulator, 'member@example.com', 'multi_tenant_passwords');

  await expect(page.locator('#reset-form')).toBeVisible();
  await expect(page.locator('#login-form')).toHaveCount(0);
  expect(page.url()).not.toContain('token=');

  // A weak password is refused with the policy's advice, and the link still works afterwards.
  await page.fill('#reset-password', 'password');
  await page.click('#reset-submit');
  await expect(page.locator('#reset-error')).toContainText('weak_password');

  await page.fill('#reset-password', newPassword);
  await page.click('#reset-submit');
  await expectSignedIn(demo, 'member@example.com', 'Acme (acme)', 'password');
  await expect(page.locator('#reset-form')).toHaveCount(0);

  // The link is single use.
  await demo.logout();
  await page.goto(link);
  await page.fill('#reset-password', 'another-strong-phrase-83');
  await page.click('#reset-submit');
  await expect(page.locator('#reset-error')).toContainText('unable_to_auth_password_reset_token');
  await page.click('#reset-cancel');

  await signInWithPassword(demo, 'member@example.com', MEMBER_PASSWORD);
  await expect(page.locator('#login-error')).toContainText('unauthorized_credentials');
  await page.fill('#login-password', newPassword);
  await page.click('#password-submit');
  await expectSignedIn(demo, 'member@example.com', 'Acme (acme)', 'password');
});
