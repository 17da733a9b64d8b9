// Conformance for SCIM connection management: the official `@stytch/vanilla-js` (pinned) creates, reads, rotates,
// updates and deletes Acme's SCIM connection against the emulator as its admin, and our demo's directory-sync page
// sends the same SDK requests for the same steps.
import { test, expect, EMULATOR, expectAccessible } from './fixtures';
import { sdk, sdkError, SITE_ORIGIN } from './conformance/official-sdk';
import { recordSdkRequests, type Call } from './conformance/request-log';
import { expectSameRequests } from './conformance/compare';
import { officialSignedIn } from './conformance/session';

const ADMIN = 'admin@example.com';

/** Only the SCIM calls, with the connection id in paths replaced by a placeholder (each run mints its own). */
const scimCalls = (calls: Call[]) =>
  calls
    .filter((c) => c.path.startsWith('/b2b/scim'))
    .map((c) => ({ ...c, path: c.path.replace(/scim-connection-test-[0-9a-f-]{36}/, '{connection_id}') }));

test.beforeEach(async ({ request }) => {
  expect((await request.post(`${EMULATOR}/emulator/v1/reset`)).ok()).toBeTruthy();
});

test('official SDK: create, get, rotate, groups, update and delete the SCIM connection', async ({ browser }) => {
  const off = await officialSignedIn(browser, ADMIN);
  const page = off.page;
  expect((await sdk(page, (s) => s.scim.getConnection())).connection).toBeNull();

  const created = (await sdk(page, (s, a) => s.scim.createConnection(a), { display_name: 'Acme Okta', identity_provider: 'okta' }))
    .connection;
  expect(created.bearer_token).toMatch(/^[A-Za-z0-9]{48}$/);
  expect(created.base_url).toBe(`${EMULATOR}/v1/b2b/scim/${created.connection_id}`);
  expect(created.connection_id).toMatch(/^scim-connection-test-[0-9a-f-]{36}$/);
  expect(Date.parse(created.bearer_token_expires_at) - Date.now()).toBeGreaterThan(3 * 365 * 24 * 3600 * 1000);

  // Afterwards the token is never shown again, only its last four characters.
  const got = (await sdk(page, (s) => s.scim.getConnection())).connection;
  expect(got.bearer_token).toBeUndefined();
  expect(got.bearer_token_last_four).toBe(created.bearer_token.slice(-4));
  expect(got.identity_provider).toBe('okta');

  const second = await sdkError(page, (s, a) => s.scim.createConnection(a), { display_name: 'Again' });
  expect(second.error_type).toBe('active_scim_connection_exists');
  const notRotating = await sdkError(page, (s, id) => s.scim.rotateComplete(id), created.connection_id);
  expect(notRotating.error_type).toBe('scim_connection_not_rotating_token');

  const started = (await sdk(page, (s, id) => s.scim.rotateStart(id), created.connection_id)).connection;
  expect(started.next_bearer_token).toMatch(/^[A-Za-z0-9]{48}$/);
  expect(started.next_bearer_token_last_four).toBe(started.next_bearer_token.slice(-4));
  const completed = (await sdk(page, (s, id) => s.scim.rotateComplete(id), created.connection_id)).connection;
  expect(completed.bearer_token_last_four).toBe(started.next_bearer_token.slice(-4));
  expect(completed.next_bearer_token_last_four ?? '').toBe('');

  await sdk(page, (s, id) => s.scim.rotateStart(id), created.connection_id);
  const cancelled = (await sdk(page, (s, id) => s.scim.rotateCancel(id), created.connection_id)).connection;
  expect(cancelled.bearer_token_last_four).toBe(started.next_bearer_token.slice(-4));
  expect(cancelled.next_bearer_token_last_four ?? '').toBe('');

  const groups = await sdk(page, (s) => s.scim.getConnectionGroups({ limit: 10 }));
  expect(groups.scim_groups).toEqual([]);
  const unknownGroup = await sdkError(page, (s, a) => s.scim.updateConnection(a), {
    connection_id: created.connection_id,
    scim_group_implicit_role_assignments: [{ role_id: 'stytch_admin', group_id: 'no-such-group' }],
  });
  expect(unknownGroup.error_type).toBe('scim_group_role_assignment_group_does_not_exist');
  const renamed = (await sdk(page, (s, a) => s.scim.updateConnection(a), {
    connection_id: created.connection_id,
    display_name: 'Acme Entra',
    identity_provider: 'microsoft-entra',
  })).connection;
  expect(renamed.display_name).toBe('Acme Entra');
  expect(renamed.base_url).toContain('?aadOptscim062020');

  const deleted = await sdk(page, (s, id) => s.scim.deleteConnection(id), created.connection_id);
  expect(deleted.connection_id).toBe(created.connection_id);
  expect((await sdk(page, (s) => s.scim.getConnection())).connection).toBeNull();
  await off.finish();

  // A member without the stytch.scim permission is refused.
  const member = await officialSignedIn(browser, 'member@example.com');
  const refused = await sdkError(member.page, (s) => s.scim.getConnection());
  expect(refused.error_type).toBe('session_authorization_error');
  expect(refused.status_code).toBe(403);
  await member.finish();
});

test('directory-sync page: create, show the token once, rotate, delete — same requests as the official SDK', async ({ browser, page, demo }) => {
  // The official SDK makes the calls the page makes, in the page's order: each change reloads the connection
  // and, while there is one, its groups.
  const off = await officialSignedIn(browser, ADMIN);
  const o = off.page;
  const reload = async () => {
    const c = (await sdk(o, (s) => s.scim.getConnection())).connection;
    if (c) await sdk(o, (s) => s.scim.getConnectionGroups({ limit: 100 }));
    return c;
  };
  await reload();
  const created = (await sdk(o, (s, a) => s.scim.createConnection(a), { display_name: 'Acme Okta', identity_provider: 'okta' }))
    .connection;
  await reload();
  await sdk(o, (s, id) => s.scim.rotateStart(id), created.connection_id);
  await reload();
  await sdk(o, (s, id) => s.scim.rotateComplete(id), created.connection_id);
  await reload();
  await sdk(o, (s, id) => s.scim.deleteConnection(id), created.connection_id);
  await reload();
  const official = scimCalls(await off.finish());
  expect((await page.request.post(`${EMULATOR}/emulator/v1/reset`)).ok()).toBeTruthy();

  const log = recordSdkRequests(page, EMULATOR);
  await demo.openSignedIn(ADMIN);
  await page.click('#tab-scim');
  await expect(page.locator('#scim-none')).toBeVisible();
  await page.fill('#scim-create-name', 'Acme Okta');
  await page.selectOption('#scim-create-provider', 'okta');
  await page.click('#scim-create-submit');
  const token = page.locator('#scim-bearer-token');
  await expect(token).toHaveText(/^[A-Za-z0-9]{48}$/);
  const shown = (await token.textContent()) ?? '';
  await expect(page.locator('#scim-token-last-four')).toContainText(shown.slice(-4));
  await expect(page.locator('#scim-base-url')).toHaveText(new RegExp(`^${EMULATOR}/v1/b2b/scim/scim-connection-test-`));
  await expect(page.locator('#scim-groups-none')).toBeVisible();
  await expectAccessible(page, 'directory sync with a new token');
  await page.screenshot({ path: 'test-results/screens/scim-created.png', fullPage: true });
  await page.click('#scim-token-saved');
  await expect(token).toHaveCount(0);

  await page.click('#scim-rotate-start');
  await expect(token).toHaveText(/^[A-Za-z0-9]{48}$/);
  const next = (await token.textContent()) ?? '';
  expect(next).not.toBe(shown);
  await expect(page.locator('#scim-next-token-last-four')).toContainText(next.slice(-4));
  await page.click('#scim-rotate-complete');
  await expect(page.locator('#scim-admin-status')).toContainText('Rotation complete');
  await expect(token).toHaveCount(0);
  await expect(page.locator('#scim-token-last-four')).toContainText(next.slice(-4));
  await expect(page.locator('#scim-next-token-last-four')).toHaveCount(0);

  await page.click('#scim-delete');
  await expect(page.locator('#scim-none')).toBeVisible();
  const ours = scimCalls(await log.calls());

  expectSameRequests(official, ours, SITE_ORIGIN, [
    'GET /b2b/scim',
    'POST /b2b/scim',
    'POST /b2b/scim/groups',
    'POST /b2b/scim/rotate/start',
    'POST /b2b/scim/rotate/complete',
    'DELETE /b2b/scim/{connection_id}',
  ]);
});
