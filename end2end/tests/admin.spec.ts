import { test, expect, EMULATOR, DemoPage, type Emulator } from './fixtures';
import type { Page } from '@playwright/test';
import { signIn as signInWithKit } from '../support/stytch-emulator';

/** Opens the demo with `email` signed in to Acme (the login itself is tested in magic-link.spec.ts). */
async function signIn(demo: DemoPage, page: Page, email: string) {
  await signInWithKit(page.context(), {
    emulator: EMULATOR,
    organization: 'acme',
    email,
    url: test.info().project.use.baseURL,
  });
  await demo.open();
  await expect(page.locator('#member-email')).toHaveText(email);
}

/** The signed-in organization's id, from the SDK state the page stored. */
async function organizationId(page: Page): Promise<string> {
  return page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('stytch_sdk_state_'));
    return JSON.parse(localStorage.getItem(key ?? '') ?? '{}').organization.organization_id;
  });
}

/** Creates active members with the backend API (project secret), as an app's server would. */
async function createMembers(emulator: Emulator, orgId: string, emails: string[]) {
  const project = await (await emulator.request.get(`${EMULATOR}/emulator/v1/project`)).json();
  const auth = Buffer.from(`${project.project_id}:${project.secret}`).toString('base64');
  for (const email_address of emails) {
    const resp = await emulator.request.post(`${EMULATOR}/v1/b2b/organizations/${orgId}/members`, {
      headers: { Authorization: `Basic ${auth}` },
      data: { email_address, name: email_address.split('@')[0] },
    });
    expect(resp.status(), await resp.text()).toBe(200);
  }
}

/**
 * What the API answers when the page itself calls members search with the session token from its cookie,
 * bypassing the UI (what a curious member could do from the console).
 */
async function forcedMemberSearch(emulator: Emulator, page: Page) {
  const { public_token } = await (await emulator.request.get(`${EMULATOR}/emulator/v1/project`)).json();
  return page.evaluate(
    async ({ api, publicToken }) => {
      const token = document.cookie
        .split('; ')
        .find((c) => c.startsWith('stytch_session='))
        ?.slice('stytch_session='.length);
      const resp = await fetch(`${api}/sdk/v1/b2b/organizations/me/members/search`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${btoa(`${publicToken}:${decodeURIComponent(token ?? '')}`)}`,
          'Content-Type': 'application/json',
        },
        body: '{}',
      });
      return { status: resp.status, body: await resp.json() };
    },
    { api: EMULATOR, publicToken: public_token },
  );
}

const row = (page: Page, email: string) => page.locator(`.member-row[data-email="${email}"]`);

async function search(page: Page, query: string, status = '') {
  await page.fill('#members-query', query);
  await page.selectOption('#members-status-filter', status);
  await page.click('#members-search');
}

test('an admin edits the organization and manages its members', async ({ demo, emulator, page, browser }) => {
  // Max signs in once in a browser of his own (verifying his email), and stays signed in.
  const maxContext = await browser.newContext();
  const maxDemo = new DemoPage(await maxContext.newPage());
  await signIn(maxDemo, maxDemo.page, 'member@example.com');
  const maxToken = (await maxContext.cookies()).find((c) => c.name === 'stytch_session')!.value;
  expect((await emulator.backendAuthenticate({ session_token: maxToken })).status()).toBe(200);

  await signIn(demo, page, 'admin@example.com');
  const teammates = [1, 2, 3, 4, 5].map((n) => `teammate${n}@example.com`);
  await createMembers(emulator, await organizationId(page), teammates);

  // Organization settings: every field is editable for an admin.
  await page.click('#tab-organization');
  await expect(page.locator('#org-settings-name')).toHaveValue('Acme');
  for (const id of ['name', 'slug', 'domains', 'jit', 'invites']) {
    await expect(page.locator(`#org-settings-${id}`)).toBeEnabled();
  }
  await expect(page.locator('#org-settings-readonly')).toHaveCount(0);
  await page.fill('#org-settings-name', 'Acme Corp');
  await page.fill('#org-settings-domains', 'example.com, Example.ORG');
  await page.selectOption('#org-settings-invites', 'RESTRICTED');
  await page.click('#org-settings-save');
  await expect(page.locator('#org-settings-status')).toContainText('Saved the settings of Acme Corp');
  await expect(page.locator('#org-settings-domains')).toHaveValue('example.com, example.org');
  await expect(page.locator('#org-settings-invites')).toHaveValue('RESTRICTED');
  // A refused update is shown, readably, and changes nothing.
  await page.fill('#org-settings-slug', 'Not a slug!');
  await page.click('#org-settings-save');
  await expect(page.locator('#org-settings-error')).toContainText('(invalid_organization_slug)');
  // The rename reached the server: a reload restores it from there.
  await page.reload();
  await expect(page.locator('#org-name')).toHaveText('Acme Corp (acme)');

  // Members: 7 in all, 5 a page.
  await page.click('#tab-members');
  await expect(page.locator('#members-page')).toHaveText('Page 1 · 1–5 of 7');
  await expect(page.locator('.member-row')).toHaveCount(5);
  await expect(page.locator('#members-prev')).toBeDisabled();
  const firstPage = await page.locator('.member-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-email')));
  await page.click('#members-next');
  await expect(page.locator('#members-page')).toHaveText('Page 2 · 6–7 of 7');
  await expect(page.locator('.member-row')).toHaveCount(2);
  await expect(page.locator('#members-next')).toBeDisabled();
  const secondPage = await page.locator('.member-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-email')));
  expect(new Set([...firstPage, ...secondPage]).size, 'pages do not overlap').toBe(7);
  await page.click('#members-prev');
  await expect(page.locator('#members-page')).toHaveText('Page 1 · 1–5 of 7');

  // Fuzzy search by email; too short a query is refused with a readable message.
  await search(page, 'teammate3');
  await expect(page.locator('.member-row')).toHaveCount(1);
  await expect(row(page, 'teammate3@example.com')).toBeVisible();
  await search(page, 'tea');
  await expect(page.locator('#members-page')).toHaveText('Page 1 · 1–5 of 5');
  await expect(page.locator('#members-next')).toBeDisabled();
  await search(page, 'te');
  await expect(page.locator('#members-search-error')).toBeVisible();
  await expect(page.locator('#members-search-error')).toContainText('at least 3 characters');

  // Invite: the email goes out and the invitee is listed as invited.
  await page.fill('#invite-email', 'newbie@example.com');
  await page.fill('#invite-name', 'Nina Newbie');
  await page.click('#invite-submit');
  await expect(page.locator('#invite-status')).toContainText('newbie@example.com');
  const invite = await emulator.lastMessage('newbie@example.com');
  expect(invite.link).toContain('token=');
  await expect(page.locator(`.message[data-message-id="${invite.message_id}"]`)).toBeVisible();
  await search(page, 'newbie');
  await expect(row(page, 'newbie@example.com')).toHaveAttribute('data-status', 'invited');

  // Roles: teammate1 becomes an admin, then not again.
  await search(page, 'teammate1');
  await row(page, 'teammate1@example.com').locator('.member-edit-roles').click();
  await expect(page.locator('#role-stytch_admin')).not.toBeChecked();
  await page.check('#role-stytch_admin');
  await page.click('#roles-save');
  await expect(page.locator('#members-status')).toContainText('The roles of teammate1 were saved');
  await expect(row(page, 'teammate1@example.com').locator('.member-roles')).toContainText('stytch_admin');
  await row(page, 'teammate1@example.com').locator('.member-edit-roles').click();
  await expect(page.locator('#role-stytch_admin')).toBeChecked();
  await page.uncheck('#role-stytch_admin');
  await page.click('#roles-save');
  await expect(row(page, 'teammate1@example.com').locator('.member-roles')).not.toContainText('stytch_admin');

  // Deactivate Max Member: his session ends; reactivate him.
  await search(page, 'member@');
  const max = row(page, 'member@example.com');
  await max.locator('.member-deactivate').click();
  await expect(page.locator('#members-status')).toContainText('Max Member was deactivated');
  await expect(max).toHaveCount(0); // deactivated members are not listed by default
  expect((await emulator.backendAuthenticate({ session_token: maxToken })).status()).toBe(404);
  await search(page, 'member@', 'deleted');
  await expect(max).toHaveAttribute('data-status', 'deleted');
  await expect(max.locator('.member-deactivate')).toHaveCount(0);
  await max.locator('.member-reactivate').click();
  await expect(page.locator('#members-status')).toContainText('Max Member was reactivated');
  await search(page, 'member@');
  await expect(max).toHaveAttribute('data-status', 'active');
  // A member who never verified their email cannot be reactivated: the refusal is shown.
  await search(page, 'teammate2');
  await row(page, 'teammate2@example.com').locator('.member-deactivate').click();
  await expect(page.locator('#members-status')).toContainText('teammate2 was deactivated');
  await search(page, 'teammate2', 'any');
  await row(page, 'teammate2@example.com').locator('.member-reactivate').click();
  await expect(page.locator('#members-error')).toContainText('(email_unverified_for_reactivation)');
  await expect(row(page, 'teammate2@example.com')).toHaveAttribute('data-status', 'deleted');
  // The admin cannot deactivate themself from here.
  await search(page, 'admin@');
  await expect(row(page, 'admin@example.com').locator('.member-deactivate')).toHaveCount(0);

  // The same forced call a plain member is refused works for the admin.
  const forced = await forcedMemberSearch(emulator, page);
  expect(forced.status).toBe(200);
  expect(forced.body.data.results_metadata.total).toBe(7); // 2 seeded + 5 created + 1 invited - teammate2
  expect(maxDemo.errors, 'no errors in Max\'s page').toEqual([]);
  await maxContext.close();
});

test('a plain member sees no admin controls, and the API refuses them too', async ({ demo, emulator, page }) => {
  await signIn(demo, page, 'member@example.com');
  await expect(page.locator('#tab-account')).toBeVisible();
  await expect(page.locator('#tab-organization')).toBeVisible();
  await expect(page.locator('#tab-members')).toHaveCount(0);

  await page.click('#tab-organization');
  await expect(page.locator('#org-settings-name')).toHaveValue('Acme');
  for (const id of ['name', 'slug', 'domains', 'jit', 'invites']) {
    await expect(page.locator(`#org-settings-${id}`)).toBeDisabled();
  }
  await expect(page.locator('#org-settings-readonly')).toBeVisible();
  await expect(page.locator('#org-settings-save')).toHaveCount(0);
  await expect(page.locator('#invite-form, #members-admin, .member-row')).toHaveCount(0);

  const forced = await forcedMemberSearch(emulator, page);
  expect(forced.status).toBe(403);
  expect(forced.body.error_type).toBe('session_authorization_error');
});
