import { test, expect, expectAccessible, tabTo, EMULATOR, type Emulator } from './fixtures';
import type { Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';

// The pre-built <StytchB2B> on the demo's /prebuilt page, configured for Acme with magic links, email
// codes and passwords. The demo seed gives member@example.com this password (emulator/seeds/demo.json).
const MEMBER = 'member@example.com';
const MEMBER_PASSWORD = 'violet-kettle-harbor-29';

function totpNow(secret: string, steps = 0) {
  return new OTPAuth.TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + steps * 30_000 });
}

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/prebuilt-${name}.png`, fullPage: true });
}

async function openMain(page: Page) {
  await page.goto('/prebuilt');
  await expect(page.locator('#st-title')).toHaveText('Continue to Acme');
  await expect(page.locator('#st-email')).toBeFocused();
}

async function events(page: Page) {
  return (await page.locator('#prebuilt-events li').allTextContents()).map((e) => e.trim());
}

/** Sends a login link to `email` from the pre-built UI and opens it, as from the inbox. */
async function signInWithLink(page: Page, emulator: Emulator, email: string) {
  await openMain(page);
  await page.fill('#st-email', email);
  await page.click('#st-email-submit');
  await page.click('#st-send-link');
  await expect(page.locator('#st-title')).toHaveText('Check your email');
  const message = await emulator.lastMessage(email);
  expect(message.link).toContain('/prebuilt?');
  await page.goto(message.link);
}

test('magic link: the email form, the method choice, the confirmation, and the redirect back signs in once', async ({ demo, emulator, page }) => {
  await openMain(page);
  expect(await events(page)).toEqual(['B2B_ORGANIZATIONS_GET_BY_SLUG']);
  // Links and codes share one email form, passwords are one click away.
  await expect(page.locator('#st-use-password')).toBeVisible();
  await expectAccessible(page, 'main');
  await shoot(page, 'main');

  await page.fill('#st-email', MEMBER);
  await page.click('#st-email-submit');
  await expect(page.locator('#st-title')).toHaveText("Select how you'd like to continue");
  // Configured order: links, then codes.
  await expect(page.locator('.st-stack .st-button').first()).toHaveId('st-send-link');
  await expectAccessible(page, 'email method selection');
  await shoot(page, 'email-method');

  await page.click('#st-send-link');
  await expect(page.locator('#st-title')).toHaveText('Check your email');
  await expect(page.locator('.st-card')).toContainText(`An email was sent to ${MEMBER}.`);
  // Resending is locked right after a send.
  await expect(page.locator('#st-resend')).toBeDisabled();
  await expect(page.locator('#st-title')).toBeFocused();
  await expectAccessible(page, 'email confirmation');
  await shoot(page, 'email-confirmation');
  expect(await events(page)).toContain('B2B_MAGIC_LINK_EMAIL_LOGIN_OR_SIGNUP');

  // "Go back" returns to the method choice.
  await page.click('#st-back');
  await expect(page.locator('#st-send-code')).toBeVisible();

  const message = await emulator.lastMessage(MEMBER);
  await page.goto(message.link);
  await expect(page.locator('#st-title')).toHaveText('Success!');
  await expect(page.locator('#prebuilt-member')).toHaveText(MEMBER);
  // The token left the address bar before it was sent.
  expect(page.url()).not.toContain('token=');
  expect(await events(page)).toEqual(['B2B_MAGIC_LINK_AUTHENTICATE', 'AUTHENTICATE_FLOW_COMPLETE']);
  await expectAccessible(page, 'success');
  await shoot(page, 'success');

  // A reload does not replay the spent link: the form is back and the session stays.
  await page.reload();
  await expect(page.locator('#st-title')).toHaveText('Continue to Acme');
  await expect(page.locator('#prebuilt-member')).toHaveText(MEMBER);
  expect(demo.errors).toEqual([]);
});

test('a spent link shows the error screen and reports the error', async ({ demo, emulator, page }) => {
  await signInWithLink(page, emulator, MEMBER);
  await expect(page.locator('#st-title')).toHaveText('Success!');
  const link = (await emulator.lastMessage(MEMBER)).link;
  await page.context().clearCookies();
  await page.goto(link);
  await expect(page.locator('#st-title')).toHaveText('Looks like there was an error!');
  await expect(page.locator('#st-error')).toContainText('This login link is no longer valid');
  await expect(page.locator('#prebuilt-last-error')).not.toBeEmpty();
  await expectAccessible(page, 'error');
  await shoot(page, 'error');
  expect(demo.errors).toEqual([]);
});

test('email code, keyboard only: a wrong code is refused in an alert, the right one signs in', async ({ demo, emulator, page }) => {
  await openMain(page);
  await page.keyboard.type(MEMBER);
  await page.keyboard.press('Enter');
  await expect(page.locator('#st-title')).toHaveText("Select how you'd like to continue");
  await tabTo(page, '#st-send-code');
  await page.keyboard.press('Enter');

  await expect(page.locator('#st-title')).toHaveText('Enter passcode');
  await expect(page.locator('#st-code')).toBeFocused();
  await expect(page.locator('#st-code')).toHaveAttribute('autocomplete', 'one-time-code');
  await expectAccessible(page, 'email code entry');
  await shoot(page, 'email-otp');
  const { code } = await emulator.lastMessage(MEMBER);
  expect(code).toMatch(/^\d{6}$/);

  await page.keyboard.type(code === '000000' ? '111111' : '000000');
  await page.keyboard.press('Enter');
  await expect(page.locator('[role="alert"]')).toHaveText('Invalid passcode, please try again.');
  // The field says it is wrong and points at the message.
  await expect(page.locator('#st-code')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#st-code')).toHaveAttribute('aria-describedby', 'st-error');
  await expect(page.locator('#prebuilt-last-error')).toContainText('unable_to_auth_otp_code');
  await expectAccessible(page, 'wrong code');
  await shoot(page, 'email-otp-wrong');

  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await expect(page.locator('#st-title')).toHaveText('Success!');
  await expect(page.locator('#prebuilt-member')).toHaveText(MEMBER);
  expect(await events(page)).toEqual([
    'B2B_ORGANIZATIONS_GET_BY_SLUG',
    'B2B_OTPS_EMAIL_LOGIN_OR_SIGNUP',
    'B2B_OTPS_EMAIL_AUTHENTICATE',
    'AUTHENTICATE_FLOW_COMPLETE',
  ]);
  expect(demo.errors).toEqual([]);
});

test('password: a wrong password is refused, the right one signs in', async ({ demo, page }) => {
  await openMain(page);
  await page.fill('#st-email', MEMBER);
  await page.click('#st-use-password');
  await expect(page.locator('#st-title')).toHaveText('Log in with your password');
  await expect(page.locator('#st-email')).toHaveValue(MEMBER);
  // The email is known: the focus goes to the field still empty.
  await expect(page.locator('#st-password')).toBeFocused();
  await expect(page.locator('#st-password')).toHaveAttribute('type', 'password');
  await expectAccessible(page, 'password');
  await shoot(page, 'password');

  await page.fill('#st-password', 'not-the-password-at-all');
  await page.click('#st-password-submit');
  await expect(page.locator('[role="alert"]')).toBeVisible();
  await expect(page.locator('#prebuilt-signed-out')).toBeVisible();

  await page.fill('#st-password', MEMBER_PASSWORD);
  await page.click('#st-password-submit');
  await expect(page.locator('#st-title')).toHaveText('Success!');
  await expect(page.locator('#prebuilt-member')).toHaveText(MEMBER);
  expect(await events(page)).toContain('B2B_PASSWORD_AUTHENTICATE');
  expect(demo.errors).toEqual([]);
});

test('forgot password: the reset email leads back to a new-password form that signs in', async ({ demo, emulator, page }) => {
  await openMain(page);
  await page.fill('#st-email', MEMBER);
  await page.click('#st-use-password');
  await page.click('#st-forgot');
  await expect(page.locator('#st-title')).toHaveText('Forgot your password?');
  await expect(page.locator('#st-email')).toHaveValue(MEMBER);
  await expectAccessible(page, 'forgot password');
  await shoot(page, 'password-forgot');
  await page.click('#st-forgot-submit');
  await expect(page.locator('#st-title')).toHaveText('Check your email for help signing in');
  await expectAccessible(page, 'reset sent');
  await shoot(page, 'password-reset-sent');

  const message = await emulator.lastMessage(MEMBER);
  expect(message.link).toContain('stytch_token_type=multi_tenant_passwords');
  await page.goto(message.link);
  await expect(page.locator('#st-title')).toHaveText('Set a new password');
  await expect(page.locator('#st-new-password')).toBeFocused();
  expect(page.url()).not.toContain('token=');
  await expectAccessible(page, 'new password');
  await shoot(page, 'password-reset');
  await page.keyboard.type('saffron-lantern-meadow-83');
  await page.keyboard.press('Enter');
  await expect(page.locator('#st-title')).toHaveText('Success!');
  await expect(page.locator('#prebuilt-member')).toHaveText(MEMBER);
  expect(await events(page)).toContain('B2B_PASSWORD_RESET_BY_EMAIL');
  expect(demo.errors).toEqual([]);
});

test('MFA: enrol an authenticator app after the magic link, keep the recovery codes, then sign in with a code', async ({ demo, emulator, page }) => {
  await demo.requireMfaForAcme();
  await signInWithLink(page, emulator, 'admin@example.com');

  await expect(page.locator('#st-title')).toHaveText('Set up Multi-Factor Authentication');
  await expect(page.locator('#prebuilt-signed-out')).toBeVisible();
  await expectAccessible(page, 'MFA enrolment choice');
  await shoot(page, 'mfa-enroll');
  await page.click('#st-enroll-totp');

  const qr = page.locator('#st-totp-qr');
  await expect(qr).toBeVisible();
  expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(20);
  const secret = ((await page.locator('#st-totp-secret').textContent()) ?? '').replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expect(page.locator('#st-code')).toBeFocused();
  await expectAccessible(page, 'TOTP enrolment');
  await shoot(page, 'mfa-totp-enroll');

  const right = totpNow(secret);
  await page.fill('#st-code', right === '000000' ? '111111' : '000000');
  await page.click('#st-totp-submit');
  await expect(page.locator('[role="alert"]')).toHaveText('Invalid passcode, please try again.');
  await page.fill('#st-code', right);
  await page.click('#st-totp-submit');

  await expect(page.locator('#st-title')).toHaveText('Save your backup codes');
  const codes = page.locator('#st-recovery-codes li');
  await expect(codes).toHaveCount(10);
  const first = ((await codes.first().textContent()) ?? '').trim();
  const download = page.locator('#st-recovery-download');
  expect(decodeURIComponent((await download.getAttribute('href')) ?? '')).toContain(first);
  await expect(download).toHaveAttribute('download', 'acme-backup-codes.txt');
  await expectAccessible(page, 'recovery codes');
  await shoot(page, 'mfa-recovery-codes');
  await page.click('#st-recovery-done');
  await expect(page.locator('#st-title')).toHaveText('Success!');
  await expect(page.locator('#prebuilt-member')).toHaveText('admin@example.com');
  expect(await events(page)).toEqual([
    'B2B_MAGIC_LINK_AUTHENTICATE',
    'B2B_TOTP_CREATE',
    'B2B_TOTP_AUTHENTICATE',
    'AUTHENTICATE_FLOW_COMPLETE',
  ]);

  // The next sign-in asks for the app's code (the one just used is spent, so the next step's).
  await page.context().clearCookies();
  await signInWithLink(page, emulator, 'admin@example.com');
  await expect(page.locator('#st-title')).toHaveText('Enter verification code');
  await expect(page.locator('#st-code')).toBeFocused();
  await expectAccessible(page, 'TOTP entry');
  await shoot(page, 'mfa-totp-entry');
  await page.keyboard.type(totpNow(secret, 1));
  await page.keyboard.press('Enter');
  await expect(page.locator('#st-title')).toHaveText('Success!');
  await expect(page.locator('#prebuilt-member')).toHaveText('admin@example.com');
  expect(demo.errors).toEqual([]);
});

test('MFA by text message: enrol a phone, get the code by SMS, sign in', async ({ demo, emulator, page }) => {
  await demo.requireMfaForAcme();
  await signInWithLink(page, emulator, 'admin@example.com');
  await expect(page.locator('#st-title')).toHaveText('Set up Multi-Factor Authentication');
  await page.click('#st-enroll-sms');

  await expect(page.locator('#st-title')).toHaveText('Enter your phone number');
  await expect(page.locator('#st-phone')).toBeFocused();
  await expectAccessible(page, 'SMS enrolment');
  await shoot(page, 'mfa-sms-enroll');
  // Typed the way people write numbers; sent as E.164.
  await page.keyboard.type('+1 555 555-0142');
  await page.keyboard.press('Enter');

  await expect(page.locator('#st-title')).toHaveText('Enter passcode');
  await expect(page.locator('.st-card')).toContainText('+15555550142');
  await expect(page.locator('#st-code')).toBeFocused();
  const sms = await emulator.lastMessage('+15555550142');
  expect(sms.kind).toBe('sms');
  await expectAccessible(page, 'SMS entry');
  await shoot(page, 'mfa-sms-entry');
  await page.keyboard.type(sms.code);
  await page.keyboard.press('Enter');
  await expect(page.locator('#st-title')).toHaveText('Success!');
  await expect(page.locator('#prebuilt-member')).toHaveText('admin@example.com');
  expect(await events(page)).toEqual([
    'B2B_MAGIC_LINK_AUTHENTICATE',
    'B2B_SMS_OTP_SEND',
    'B2B_SMS_OTP_AUTHENTICATE',
    'AUTHENTICATE_FLOW_COMPLETE',
  ]);
});

test('discovery: an email code finds the email\'s organizations, picking one signs in', async ({ demo, emulator, page }) => {
  await page.goto('/prebuilt/discovery');
  await expect(page.locator('#st-title')).toHaveText('Sign up or log in');
  await expect(page.locator('#st-email')).toBeFocused();
  // Passwords need an organization: the Discovery flow offers links and codes.
  await expect(page.locator('#st-use-password')).toHaveCount(0);
  await expectAccessible(page, 'discovery main');
  await shoot(page, 'discovery-main');
  await page.keyboard.type(MEMBER);
  await page.keyboard.press('Enter');
  await tabTo(page, '#st-send-code');
  await page.keyboard.press('Enter');
  await expect(page.locator('#st-code')).toBeFocused();
  const { code } = await emulator.lastMessage(MEMBER);
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');

  await expect(page.locator('#st-title')).toHaveText('Select an organization to continue');
  const acme = page.locator('#st-organizations button[data-organization-slug="acme"]');
  await expect(acme).toContainText('Acme');
  await expectAccessible(page, 'discovery organizations');
  await shoot(page, 'discovery-organizations');
  await tabTo(page, '#st-organizations button[data-organization-slug="acme"]');
  await page.keyboard.press('Enter');
  await expect(page.locator('#st-title')).toHaveText('Success!');
  await expect(page.locator('#prebuilt-member')).toHaveText(MEMBER);
  expect(await events(page)).toEqual([
    'B2B_OTPS_EMAIL_DISCOVERY_SEND',
    'B2B_OTPS_EMAIL_DISCOVERY_AUTHENTICATE',
    'B2B_DISCOVERY_INTERMEDIATE_SESSION_EXCHANGE',
    'AUTHENTICATE_FLOW_COMPLETE',
  ]);
});

test('discovery: the emailed link lists the organizations, and an email with none says so', async ({ demo, emulator, page }) => {
  await page.goto('/prebuilt/discovery');
  await page.fill('#st-email', MEMBER);
  await page.click('#st-email-submit');
  await page.click('#st-send-link');
  await expect(page.locator('#st-title')).toHaveText('Check your email');
  const message = await emulator.lastMessage(MEMBER);
  expect(message.link).toContain('/prebuilt/discovery?');
  expect(message.link).toContain('stytch_token_type=discovery');
  await page.goto(message.link);
  await expect(page.locator('#st-title')).toHaveText('Select an organization to continue');
  expect(page.url()).not.toContain('token=');
  await page.click('#st-organizations button[data-organization-slug="acme"]');
  await expect(page.locator('#st-title')).toHaveText('Success!');
  expect(await events(page)).toEqual([
    'B2B_MAGIC_LINK_DISCOVERY_AUTHENTICATE',
    'B2B_DISCOVERY_INTERMEDIATE_SESSION_EXCHANGE',
    'AUTHENTICATE_FLOW_COMPLETE',
  ]);

  // An address no organization knows (and none lets join by its domain).
  await page.goto('/prebuilt/discovery');
  await page.fill('#st-email', 'nobody@unknown.test');
  await page.click('#st-email-submit');
  await page.click('#st-send-code');
  const { code } = await emulator.lastMessage('nobody@unknown.test');
  await page.fill('#st-code', code);
  await page.click('#st-code-submit');
  await expect(page.locator('#st-title')).toHaveText('No organizations yet');
  await expect(page.locator('.st-card')).toContainText('nobody@unknown.test does not belong to any organization.');
  await expectAccessible(page, 'discovery, no organizations');
  await shoot(page, 'discovery-none');
  await page.click('#st-try-another');
  await expect(page.locator('#st-email')).toBeFocused();
});

test('theme: light by default, the dark half of the pair when the system is dark', async ({ demo, page }) => {
  const token = (name: string) =>
    page.locator('.st-b2b').evaluate((el, n) => getComputedStyle(el).getPropertyValue(n).trim(), name);
  await openMain(page);
  expect(await token('--st-background')).toBe('#ffffff');
  expect(await token('--st-dark-mode')).toBe('0');

  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => token('--st-background')).toBe('#18181b');
  expect(await token('--st-dark-mode')).toBe('1');
  expect(await page.locator('.st-card').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(24, 24, 27)');
  await expectAccessible(page, 'main, dark');
  await shoot(page, 'main-dark');
});

/** The emulator's identity-provider page: the person says who they are and approves. */
async function idpApproves(page: Page, email: string) {
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR}/emulator/idp/`));
  await page.getByTestId('idp-email').fill(email);
  await page.getByTestId('idp-submit').click();
}

test('OAuth: the buttons come before the email form, Google signs in to Acme, Microsoft through discovery', async ({ demo, emulator, page }) => {
  void emulator;
  await openMain(page);
  // Configured order: OAuth, then the email form, with a divider between.
  await expect(page.locator('.st-card .st-button').first()).toHaveId('oauth-google');
  await expect(page.locator('#oauth-microsoft')).toHaveText('Continue with Microsoft');
  await page.click('#oauth-google');
  await idpApproves(page, 'admin@example.com');
  await expect(page.locator('#st-title')).toHaveText('Success!');
  await expect(page.locator('#prebuilt-member')).toHaveText('admin@example.com');
  expect(page.url()).not.toContain('token=');
  expect(await events(page)).toEqual(['B2B_OAUTH_AUTHENTICATE', 'AUTHENTICATE_FLOW_COMPLETE']);

  await page.context().clearCookies();
  await page.goto('/prebuilt/discovery');
  await page.click('#oauth-microsoft');
  await idpApproves(page, 'admin@example.com');
  await expect(page.locator('#st-title')).toHaveText('Select an organization to continue');
  await page.click('#st-organizations button[data-organization-slug="acme"]');
  await expect(page.locator('#st-title')).toHaveText('Success!');
  expect(await events(page)).toEqual([
    'B2B_OAUTH_DISCOVERY_AUTHENTICATE',
    'B2B_DISCOVERY_INTERMEDIATE_SESSION_EXCHANGE',
    'AUTHENTICATE_FLOW_COMPLETE',
  ]);
});
