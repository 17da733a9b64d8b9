// Directory sync as a new admin would try it: Acme's admin creates a SCIM connection on the demo's directory-sync
// page and hands its base URL and bearer token to an identity provider. The test then plays that identity provider
// (Okta's calls, over plain HTTP, against the emulator's SCIM 2.0 endpoint): the user it provisions becomes a
// member, the group it pushes shows up on the page, the role the admin maps to the group reaches the member, and
// deactivating the user removes the member.
import type { APIRequestContext } from '@playwright/test';
import { test, expect, expectAccessible, type DemoPage } from './fixtures';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** An identity provider holding a connection's base URL and bearer token. */
class IdentityProvider {
  constructor(
    readonly request: APIRequestContext,
    readonly baseUrl: string,
    readonly token: string,
  ) {}
  /** `path` (with its query, if any) below the base URL, keeping the base URL's own query (Entra's flag). */
  private url(path: string) {
    const u = new URL(this.baseUrl);
    const [pathname, query] = path.split('?');
    u.pathname = `${u.pathname}${pathname}`;
    if (query) new URLSearchParams(query).forEach((v, k) => u.searchParams.append(k, v));
    return u.toString();
  }
  private headers() {
    return { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/scim+json', Accept: 'application/scim+json' };
  }
  async send(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, data?: unknown) {
    const resp = await this.request.fetch(this.url(path), { method, headers: this.headers(), data });
    const text = await resp.text();
    return { status: resp.status(), body: text ? JSON.parse(text) : null, contentType: resp.headers()['content-type'] };
  }
}

/** The directory-sync page's new connection: its base URL and the token shown once. */
async function createConnection(demo: DemoPage) {
  const page = demo.page;
  await page.click('#tab-scim');
  await expect(page.locator('#scim-none')).toBeVisible();
  // Keyboard only: the name field, the provider list, the Create button.
  await page.focus('#scim-create-name');
  await page.keyboard.type('Acme Okta');
  await page.keyboard.press('Tab');
  await expect(page.locator('#scim-create-provider')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.locator('#scim-create-submit')).toBeFocused();
  await page.keyboard.press('Enter');
  const token = (await page.locator('#scim-bearer-token').textContent()) ?? '';
  expect(token).toMatch(/^[A-Za-z0-9]{48}$/);
  const baseUrl = (await page.locator('#scim-base-url').textContent()) ?? '';
  await page.click('#scim-token-saved');
  return { token, baseUrl };
}

test('an identity provider provisions, groups and deprovisions members through the SCIM connection', async ({ demo, page, request }) => {
  await demo.openSignedIn('admin@example.com');
  const { token, baseUrl } = await createConnection(demo);
  const idp = new IdentityProvider(request, baseUrl, token);

  // A wrong token is refused with a SCIM error body.
  const wrong = await new IdentityProvider(request, baseUrl, 'x'.repeat(48)).send('GET', '/Users');
  expect(wrong.status).toBe(401);
  expect(wrong.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);

  // Okta looks the user up by userName first, then creates it.
  const email = 'dana@example.com';
  const lookup = await idp.send('GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`);
  expect(lookup.status).toBe(200);
  expect(lookup.contentType).toContain('application/scim+json');
  expect(lookup.body.totalResults).toBe(0);
  const created = await idp.send('POST', '/Users', {
    schemas: [USER_SCHEMA],
    userName: email,
    name: { givenName: 'Dana', familyName: 'Scully' },
    emails: [{ value: email, primary: true, type: 'work' }],
    active: true,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const userId = created.body.id;
  expect(userId).toBeTruthy();
  expect((await idp.send('POST', '/Users', { schemas: [USER_SCHEMA], userName: email })).status).toBe(409);

  // The group with the new user as member; the page lists it, and the admin gives its members a role.
  const group = await idp.send('POST', '/Groups', {
    schemas: [GROUP_SCHEMA],
    displayName: 'Engineering',
    members: [{ value: userId }],
  });
  expect(group.status, JSON.stringify(group.body)).toBe(201);
  await page.click('#tab-account');
  await page.click('#tab-scim');
  const row = page.locator(`.scim-group[data-group-id="${group.body.id}"]`);
  await expect(row).toContainText('Engineering');
  await row.locator('select').selectOption('stytch_admin');
  await page.click('#scim-groups-save');
  await expect(page.locator('#scim-admin-status')).toHaveText('Saved the group roles.');
  await expect(row.locator('select')).toHaveValue('stytch_admin');
  await expectAccessible(page, 'directory sync with a group');
  await page.screenshot({ path: 'test-results/screens/scim-groups.png', fullPage: true });

  // The members page shows the provisioned member, with the group's role.
  await page.click('#tab-members');
  const member = page.locator(`.member-row[data-email="${email}"]`);
  await expect(member).toHaveAttribute('data-status', 'active');
  await expect(member.locator('.member-name')).toHaveText('Dana Scully');
  await expect(member.locator('.member-roles')).toContainText('stytch_admin');

  // Leaving the group takes the role away (Entra's PATCH form: capitalised op, a filter in the path).
  const left = await idp.send('PATCH', `/Groups/${group.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'Remove', path: `members[value eq "${userId}"]` }],
  });
  expect([200, 204]).toContain(left.status);
  await page.click('#tab-account');
  await page.click('#tab-members');
  await expect(member.locator('.member-roles')).not.toContainText('stytch_admin');

  // Okta deactivates the user: the member is removed.
  const deactivated = await idp.send('PATCH', `/Users/${userId}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', value: { active: false } }],
  });
  expect(deactivated.status, JSON.stringify(deactivated.body)).toBe(200);
  expect(deactivated.body.active).toBe(false);
  await page.click('#tab-account');
  await page.click('#tab-members');
  await expect(page.locator('#members-admin .member-row').first()).toBeVisible();
  await expect(member).toHaveCount(0); // current members only, by default
  await page.selectOption('#members-status-filter', 'deleted');
  await page.click('#members-search');
  await expect(member).toHaveAttribute('data-status', 'deleted');
  await expect(member.locator('.member-roles')).not.toContainText('stytch_admin');
  await page.screenshot({ path: 'test-results/screens/scim-members.png', fullPage: true });
});
