import { test, expect, expectAccessible, EMULATOR, type DemoPage } from './fixtures';
import type { Page } from '@playwright/test';

/** The emulator's identity-provider page: the IdP vouches for `email`. */
async function idpApproves(page: Page, email: string, shot?: string) {
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR}/emulator/idp/`));
  await page.getByTestId('idp-email').fill(email);
  if (shot) {
    await expectAccessible(page, 'identity-provider page');
    await page.screenshot({ path: `test-results/screens/${shot}.png` });
  }
  await page.getByTestId('idp-submit').click();
}

/** The admin (signed in through the test kit) creates a SAML connection with no IdP settings. */
async function createConnection(demo: DemoPage, page: Page, name: string) {
  await demo.openSignedIn('admin@example.com');
  await page.click('#tab-sso');
  await expect(page.locator('#sso-none')).toBeVisible();
  await page.fill('#sso-create-name', name);
  await page.click('#sso-create-submit');
  await expect(page.locator('#sso-admin-status')).toContainText(name);
  const row = page.locator('.sso-row', { hasText: name });
  await expect(row).toHaveAttribute('data-kind', 'SAML');
  await expectAccessible(page, 'SSO admin page');
  await page.screenshot({ path: 'test-results/screens/sso-admin.png' });
  const id = (await row.getAttribute('data-connection-id')) ?? '';
  await demo.logout();
  return id;
}

async function ssoSignIn(demo: DemoPage, email: string, connection: string, shot?: string) {
  const page = demo.page;
  await page.click('#sso-start');
  await page.fill('#sso-email', email);
  await page.click('#sso-find');
  const found = page.locator(`.sso-connection[data-connection-id="${connection}"]`);
  await expect(found).toBeVisible();
  if (shot) {
    await expectAccessible(page, 'SSO sign-in');
    await page.screenshot({ path: `test-results/screens/${shot}.png` });
  }
  await found.locator('.sso-connection-start').click();
  await idpApproves(page, email, shot && 'idp-page');
  await expect(page.locator('#member-email')).toHaveText(email);
  expect(page.url()).not.toContain('token=');
}

test('SSO: an admin creates a connection; a colleague joins through it by JIT, then logs in with it', async ({ demo, emulator, page }) => {
  void emulator; // a fresh emulator (the fixture resets it)
  await demo.open();
  const connection = await createConnection(demo, page, 'Acme Okta');

  await ssoSignIn(demo, 'new.colleague@example.com', connection, 'sso-start');
  await expect(page.locator('#session-factors')).toContainText('sso');
  await expect(page.locator('#member-status')).toHaveText('active');
  await demo.logout();

  // The second time the member exists: a login, the same member.
  await ssoSignIn(demo, 'new.colleague@example.com', connection);
  await expect(page.locator('#session-factors')).toContainText('sso');

  // Deny at the identity provider: back at the app with Stytch's error, still signed out.
  await demo.logout();
  await page.click('#sso-start');
  await page.fill('#sso-email', 'new.colleague@example.com');
  await page.click('#sso-find');
  await page.locator('.sso-connection-start').click();
  await page.getByTestId('idp-deny').click();
  await expect(page.locator('#member-email')).toHaveCount(0);
});

test('OAuth: Continue with Google into Acme, and Microsoft through discovery', async ({ demo, emulator, page }) => {
  void emulator;
  await demo.open();
  await expect(page.locator('#oauth-google')).toBeVisible();
  await expectAccessible(page, 'login with OAuth buttons');
  await page.screenshot({ path: 'test-results/screens/login-oauth.png', fullPage: true });
  await page.fill('#login-org', 'acme');
  await page.click('#oauth-google');
  await idpApproves(page, 'admin@example.com', 'idp-oauth');
  await expect(page.locator('#member-email')).toHaveText('admin@example.com');
  await expect(page.locator('#session-factors')).toContainText('oauth');
  await demo.logout();

  // Discovery: sign in with Microsoft first, then pick the organization.
  await page.click('#discovery-start');
  await page.click('#discovery-oauth-microsoft');
  await idpApproves(page, 'admin@example.com');
  const acme = page.locator('.discovered-org[data-org-slug="acme"]');
  await expect(acme).toBeVisible();
  await acme.locator('button').click();
  await expect(page.locator('#member-email')).toHaveText('admin@example.com');
  await expect(page.locator('#org-name')).toHaveText('Acme (acme)');
});

test('SSO over real OpenID Connect: an OIDC connection pointed at the emulator\'s OpenID provider', async ({ demo, emulator, page }) => {
  void emulator; // a fresh emulator (the fixture resets it)
  await demo.openSignedIn('admin@example.com');
  await page.click('#tab-sso');
  await page.fill('#sso-create-name', 'Acme OIDC');
  await page.selectOption('#sso-create-kind', 'oidc');
  await page.click('#sso-create-submit');
  const row = page.locator('.sso-row', { hasText: 'Acme OIDC' });
  await expect(row).toHaveAttribute('data-kind', 'OIDC');
  const connection = (await row.getAttribute('data-connection-id')) ?? '';
  // Any client id and secret: the emulator's OpenID provider binds them to the codes it issues.
  await row.locator('.sso-edit').click();
  await page.fill('#oidc-issuer', `${EMULATOR}/emulator/idp`);
  await page.fill('#oidc-client-id', 'acme-demo-client');
  await page.fill('#oidc-client-secret', 'acme-demo-secret');
  await page.click('#oidc-save');
  await expect(page.locator('#sso-admin-status')).toContainText('Saved');
  await expect(page.locator(`.sso-row[data-connection-id="${connection}"] .status`)).toHaveText('active');
  await demo.logout();

  // Discovery, code exchange over the token endpoint, ID token checked against the JWKS: then a session.
  await ssoSignIn(demo, 'oidc.user@example.com', connection);
  await expect(page.locator('#session-factors')).toContainText('sso');
});
