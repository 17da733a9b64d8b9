import { test, expect, expectAccessible, tabTo, type DemoPage, type Emulator } from './fixtures';
import * as OTPAuth from 'otpauth';

// The demo seed gives member@example.com (Acme) this password; see emulator/seeds/demo.json.
const MEMBER_PASSWORD = 'violet-kettle-harbor-29';
const PHONE = '+15555550142';

/** What an authenticator app shows for the base32 `secret`, now or `steps` 30-second steps from now. */
function totpNow(secret: string, steps = 0) {
  return new OTPAuth.TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + steps * 30_000 });
}

/** The primary factor: a magic link for `email`, opened from the inbox. */
async function magicLink(demo: DemoPage, emulator: Emulator, email: string) {
  await demo.requestLink(email);
  await expect(demo.page.locator('#login-status')).toContainText('login link');
  const message = await emulator.lastMessage(email);
  await demo.page.locator(`.message[data-message-id="${message.message_id}"] .message-link`).click();
  await expect(demo.page.locator('#mfa')).toBeVisible();
}

async function passwordLogin(demo: DemoPage, email: string) {
  const page = demo.page;
  await page.click('#method-password');
  await page.fill('#login-org', 'acme');
  await page.fill('#login-email', email);
  await page.fill('#login-password', MEMBER_PASSWORD);
  await page.click('#password-submit');
  await expect(page.locator('#mfa')).toBeVisible();
}

test('MFA required: enrol an authenticator app, keep the recovery codes, sign in again with one', async ({ demo, emulator, page }) => {
  await demo.open();
  await demo.requireMfaForAcme();

  // The next sign-in stops at the second factor: nothing enrolled yet, so enrolment is offered.
  await magicLink(demo, emulator, 'admin@example.com');
  await expect(page.locator('#member-email')).toHaveCount(0);
  await expect(page.locator('#mfa-enroll-totp')).toBeVisible();
  await expect(page.locator('#mfa-enroll-sms')).toBeVisible();
  await expectAccessible(page, 'MFA enrolment choice');
  await page.screenshot({ path: 'test-results/screens/mfa-enrol.png' });

  await page.click('#mfa-enroll-totp');
  const qr = page.locator('#mfa-totp-qr');
  await expect(qr).toBeVisible();
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
  // The QR code is a real PNG the browser can draw.
  expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(20);
  const secret = (await page.locator('#mfa-totp-secret').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expectAccessible(page, 'TOTP enrolment');
  await page.screenshot({ path: 'test-results/screens/mfa-totp-enrol.png' });

  // A wrong code is refused readably; the right one signs in.
  const right = totpNow(secret);
  await page.fill('#mfa-totp-code', right === '000000' ? '111111' : '000000');
  await page.click('#mfa-totp-submit');
  await expect(page.locator('#mfa-totp-error')).toContainText('unable_to_authenticate_totp');
  await page.fill('#mfa-totp-code', right);
  await page.click('#mfa-totp-submit');

  // Ten recovery codes, shown once, with copy and download, before the account.
  const codes = page.locator('#recovery-codes li');
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.allTextContents()).map((c) => c.trim());
  for (const c of recovery) expect(c).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
  const download = page.locator('#recovery-codes-download');
  expect(decodeURIComponent((await download.getAttribute('href')) ?? '')).toContain(recovery[9]);
  await expect(download).toHaveAttribute('download', 'recovery-codes.txt');
  await expectAccessible(page, 'recovery codes');
  await page.screenshot({ path: 'test-results/screens/mfa-recovery-codes.png' });
  await page.click('#recovery-codes-done');
  await expect(page.locator('#member-email')).toHaveText('admin@example.com');
  await expect(page.locator('#session-factors')).toContainText('magic_link');
  await expect(page.locator('#session-factors')).toContainText('totp');
  await expect(page.locator('#factor-totp')).toContainText('On');
  await expect(page.locator('#factor-enrolled')).toHaveText('Yes');

  // Later sign-ins ask for the app's code. The code just used is spent (replays are refused), so the app's
  // next one is typed: the emulator accepts one step of clock skew, as Stytch does.
  await demo.logout();
  await magicLink(demo, emulator, 'admin@example.com');
  await page.fill('#mfa-totp-code', right);
  await page.click('#mfa-totp-submit');
  await expect(page.locator('#mfa-totp-error')).toContainText('totp_code_already_authenticated');
  await page.fill('#mfa-totp-code', totpNow(secret, 1));
  await page.click('#mfa-totp-submit');
  await expect(page.locator('#member-email')).toHaveText('admin@example.com');
  await expect(page.locator('#session-factors')).toContainText('totp');

  // A recovery code works instead of the app, once (keyboard only).
  await demo.logout();
  await magicLink(demo, emulator, 'admin@example.com');
  await expect(page.locator('#mfa-totp-code')).toBeVisible();
  await expect(page.locator('#mfa-enroll-totp')).toHaveCount(0);
  await expectAccessible(page, 'TOTP challenge');
  await page.screenshot({ path: 'test-results/screens/mfa-totp-challenge.png' });
  // Each screen puts the focus in its code field.
  await expect(page.locator('#mfa-totp-code')).toBeFocused();
  await tabTo(page, '#mfa-use-recovery');
  await page.keyboard.press('Enter');
  await expect(page.locator('#mfa-recovery-code')).toBeFocused();
  await page.keyboard.type(recovery[0]);
  await page.keyboard.press('Enter');
  await expect(page.locator('#member-email')).toHaveText('admin@example.com');
  await expect(page.locator('#session-factors')).toContainText('recovery_codes');

  await demo.logout();
  await magicLink(demo, emulator, 'admin@example.com');
  await page.click('#mfa-use-recovery');
  await page.fill('#mfa-recovery-code', recovery[0]);
  await page.click('#mfa-recovery-submit');
  await expect(page.locator('#mfa-recovery-error')).toContainText('recovery_code');
  // "Start over" leaves the MFA step for the login form.
  await page.click('#mfa-start-over');
  await expect(page.locator('#login-email')).toBeVisible();
});

test('MFA by text message: enrol a phone at sign-in; the next sign-in texts a code at once', async ({ demo, emulator, page }) => {
  await demo.open();
  await demo.requireMfaForAcme();

  await passwordLogin(demo, 'member@example.com');
  await page.click('#mfa-enroll-sms');
  await page.fill('#mfa-phone', '555 0142');
  await page.click('#mfa-phone-submit');
  await expect(page.locator('#mfa-phone-error')).toContainText('invalid_phone_number');
  await page.fill('#mfa-phone', PHONE);
  await page.click('#mfa-phone-submit');
  // The text lands in the demo's inbox beside the emails.
  const text = await emulator.lastMessage(PHONE);
  expect(text.kind).toBe('sms');
  expect(text.code).toMatch(/^\d{6}$/);
  await expect(page.locator(`.message[data-message-id="${text.message_id}"]`)).toContainText('Text message');
  await expectAccessible(page, 'SMS code entry');
  await page.screenshot({ path: 'test-results/screens/mfa-sms-code.png' });
  await page.fill('#mfa-sms-code', text.code);
  await page.click('#mfa-sms-submit');
  await expect(page.locator('#member-email')).toHaveText('member@example.com');
  await expect(page.locator('#session-factors')).toContainText('otp (sms)');
  await expect(page.locator('#factor-sms')).toContainText(PHONE);

  // Next time the code is sent by the primary factor itself: the page asks for it straight away. This
  // time with the keyboard only: Tab to the code, type it, Enter.
  await demo.logout();
  const before = text.message_id;
  await passwordLogin(demo, 'member@example.com');
  await expect(page.locator('#mfa-sms-code')).toBeVisible();
  await expect.poll(async () => (await emulator.lastMessage(PHONE)).message_id).not.toBe(before);
  const second = await emulator.lastMessage(PHONE);
  await expect(page.locator('#mfa-sms-code')).toBeFocused();
  await page.keyboard.type(second.code);
  await page.keyboard.press('Enter');
  await expect(page.locator('#member-email')).toHaveText('member@example.com');
});

test('an admin opens an impersonation link and lands in the member account, marked as impersonated', async ({ demo, emulator, page }) => {
  void emulator; // a fresh emulator (the fixture resets it)
  await demo.openSignedIn('admin@example.com');
  await page.click('#tab-members');
  const max = page.locator('.member-row[data-email="member@example.com"]');
  await expect(max.locator('.member-impersonate')).toBeVisible();
  // The admin's own row offers no impersonation.
  await expect(page.locator('.member-row[data-email="admin@example.com"] .member-impersonate')).toHaveCount(0);
  await expectAccessible(page, 'members page with impersonation');
  await page.screenshot({ path: 'test-results/screens/members-impersonate.png' });
  await max.locator('.member-impersonate').click();
  await expect(page.locator('#member-email')).toHaveText('member@example.com');
  await expect(page.locator('#impersonation-banner')).toContainText('Impersonated by admin@example.com');
  await expect(page.locator('#session-factors')).toHaveText('impersonated (impersonation)');
  // The token has left the address bar.
  expect(page.url()).not.toContain('token=');
  await expectAccessible(page, 'impersonated account');
  await page.screenshot({ path: 'test-results/screens/impersonated.png' });
});

test('the account page adds and removes an authenticator app and a phone', async ({ demo, emulator, page }) => {
  await demo.openSignedIn('member@example.com');
  await expect(page.locator('#factor-totp')).toContainText('Off');
  await expect(page.locator('#factor-sms')).toContainText('Off');

  await page.click('#factor-totp-add');
  const secret = ((await page.locator('#mfa-totp-secret').textContent()) ?? '').trim();
  await page.fill('#mfa-totp-code', totpNow(secret));
  await page.click('#mfa-totp-submit');
  await expect(page.locator('#recovery-codes li')).toHaveCount(10);
  await page.click('#recovery-codes-done');
  await expect(page.locator('#factor-totp')).toContainText('On');
  await expect(page.locator('#session-factors')).toContainText('totp');
  await expectAccessible(page, 'account with second factors');
  await page.screenshot({ path: 'test-results/screens/account-factors.png' });
  // New recovery codes replace the old ones, shown once again.
  await page.click('#recovery-codes-rotate');
  await expect(page.locator('#recovery-codes li')).toHaveCount(10);
  await page.click('#recovery-codes-done');

  await page.click('#factor-sms-add');
  await page.fill('#mfa-phone', PHONE);
  await page.click('#mfa-phone-submit');
  const text = await emulator.lastMessage(PHONE);
  await page.fill('#mfa-sms-code', text.code);
  await page.click('#mfa-sms-submit');
  await expect(page.locator('#factor-sms')).toHaveText(new RegExp(`^${PHONE.replace('+', '\\+')}`));
  await expect(page.locator('#mfa-sms-form')).toHaveCount(0);

  await page.click('#factor-totp-remove');
  await expect(page.locator('#factor-totp')).toContainText('Off');
  await page.click('#factor-sms-remove');
  await expect(page.locator('#factor-sms')).toContainText('Off');
});
