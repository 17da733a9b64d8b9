import { test, expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import { EMULATOR, SEED_PATH, SITE } from '../playwright.ssr.config';

const seed = JSON.parse(fs.readFileSync(SEED_PATH, 'utf8'));
const PROJECT = seed.project;
const ORG_ID = seed.organizations[0].organization_id;
const EMAIL = 'member@example.com';
const PASSWORD = 'violet-kettle-harbor-29';
const STATE_KEY = `stytch_sdk_state_${PROJECT.public_token}`;

/** A session for EMAIL, signed in through the SDK API as a browser on the example's origin would. */
async function signIn(request: APIRequestContext) {
  const basic = Buffer.from(`${PROJECT.public_token}:${PROJECT.public_token}`).toString('base64');
  const resp = await request.post(`${EMULATOR}/sdk/v1/b2b/passwords/authenticate`, {
    headers: { Authorization: `Basic ${basic}`, Origin: SITE },
    data: { organization_id: ORG_ID, email_address: EMAIL, password: PASSWORD, session_duration_minutes: 60 },
  });
  expect(resp.ok(), await resp.text()).toBeTruthy();
  const data = (await resp.json()).data;
  return {
    token: data.session_token as string,
    jwt: data.session_jwt as string,
    sessionId: data.member_session.member_session_id as string,
  };
}

async function revoke(request: APIRequestContext, sessionId: string) {
  const basic = Buffer.from(`${PROJECT.project_id}:${PROJECT.secret}`).toString('base64');
  const resp = await request.post(`${EMULATOR}/v1/b2b/sessions/revoke`, {
    headers: { Authorization: `Basic ${basic}` },
    data: { member_session_id: sessionId },
  });
  expect(resp.ok(), await resp.text()).toBeTruthy();
}

async function setSessionCookies(context: BrowserContext, token: string, jwt: string) {
  await context.addCookies([
    { name: 'stytch_session', value: token, url: SITE },
    { name: 'stytch_session_jwt', value: jwt, url: SITE },
  ]);
}

/**
 * Watches the page from before its first byte is parsed: every text `#auth-state` shows, whether the
 * signed-out UI (`#sign-in`, `#signed-out`) or another member's email is ever in the document, and every
 * console warning or error (Leptos reports hydration mismatches there).
 */
async function watch(page: Page) {
  const console_: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console_.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => console_.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    const seen: { states: string[]; signedOutUi: boolean; cachedEmail: boolean } =
      { states: [], signedOutUi: false, cachedEmail: false };
    (window as any).__seen = seen;
    const look = () => {
      const state = document.getElementById('auth-state');
      if (state) {
        const text = `${state.textContent}|initialized=${state.dataset.initialized}|from_cache=${state.dataset.fromCache}`;
        if (seen.states[seen.states.length - 1] !== text) seen.states.push(text);
      }
      if (document.getElementById('sign-in') || document.getElementById('signed-out')) seen.signedOutUi = true;
      if (document.documentElement.textContent?.includes('cached@example.com')) seen.cachedEmail = true;
    };
    new MutationObserver(look).observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
  });
  return {
    console: console_,
    seen: () => page.evaluate(() => (window as any).__seen),
  };
}

async function hydrated(page: Page) {
  await expect(page.locator('main[data-hydrated="true"]')).toBeVisible();
}

test.beforeEach(async ({ request }) => {
  expect((await request.post(`${EMULATOR}/emulator/v1/reset`)).ok()).toBeTruthy();
});

test('the HTML, fetched without JavaScript, already shows the signed-in member', async ({ request, browser }) => {
  const { token, jwt } = await signIn(request);
  const html = await (await request.get(`${SITE}/member`, {
    headers: { Cookie: `stytch_session=${token}; stytch_session_jwt=${jwt}` },
  })).text();
  // In the body itself, not in a template that a script would move there later.
  const body = html.slice(0, html.indexOf('</body>'));
  expect(body).not.toContain('<template');
  expect(body).toMatch(/<dd id="member-email"[^>]*>member@example\.com/);
  expect(body).toMatch(/<dd id="member-name"[^>]*>Max Member/);
  expect(body).toMatch(/<dd id="organization-name"[^>]*>Acme/);
  expect(body).toMatch(/id="auth-state" data-initialized="true" data-from-cache="false"[^>]*>signed in/);
  expect(html).not.toContain('id="signed-out"');
  expect(body).toContain('id="members-denied"');
  // The tokens themselves never go into the page.
  expect(html).not.toContain(token);
  expect(html).not.toContain(jwt);

  const context = await browser.newContext({ javaScriptEnabled: false });
  await setSessionCookies(context, token, jwt);
  const page = await context.newPage();
  await page.goto('/member');
  await expect(page.locator('#member-email')).toHaveText(EMAIL);
  await expect(page.locator('#auth-state')).toHaveText('signed in');
  await context.close();
});

test('hydration: no warnings, the signed-out UI never appears, localStorage is not read first', async ({ page, context, request }) => {
  const { token, jwt } = await signIn(request);
  await setSessionCookies(context, token, jwt);
  // A stale cached state of another member: a client that read it before hydrating would show it.
  await context.addInitScript(([key]) => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem(key, JSON.stringify({
        session: { member_session_id: 'member-session-test-cached', member_id: 'member-test-cached' },
        member: { member_id: 'member-test-cached', email_address: 'cached@example.com', name: 'Cached' },
        organization: { organization_id: 'organization-test-cached', organization_name: 'Cached Org' },
      }));
    }
  }, [STATE_KEY]);
  // Every localStorage read the page makes.
  await context.addInitScript(() => {
    const reads: string[] = [];
    (window as any).__reads = reads;
    const getItem = Storage.prototype.getItem;
    Storage.prototype.getItem = function (key: string) {
      reads.push(key);
      return getItem.call(this, key);
    };
  });
  const w = await watch(page);
  await page.goto('/member');
  await hydrated(page);
  await expect(page.locator('#member-email')).toHaveText(EMAIL);
  // A plain member: <Authorized> says no on the server, while hydrating and with the fetched policy.
  await expect(page.locator('#members-denied')).toBeVisible();
  // The app never read the cached state: the server's answer took its place.
  const reads: string[] = await page.evaluate(() => [...(window as any).__reads]);
  expect(reads).not.toContain(STATE_KEY);
  // After hydration the client's own state machine has taken over and stored the server's state.
  await expect.poll(() => page.evaluate((k) => localStorage.getItem(k) ?? '', STATE_KEY)).toContain(EMAIL);
  const seen = await w.seen();
  expect(seen.states).toEqual(['signed in|initialized=true|from_cache=false']);
  expect(seen.signedOutUi).toBe(false);
  expect(seen.cachedEmail).toBe(false);
  expect(w.console).toEqual([]);
});

test('sign in, the member page, a server function, logout', async ({ page }) => {
  const w = await watch(page);
  await page.goto('/');
  await hydrated(page);
  await expect(page.locator('#auth-state')).toHaveText('signed out');
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await page.click('#sign-in button[type=submit]');
  await expect(page.locator('#member-email')).toHaveText(EMAIL);

  // A full load of the member page: rendered by the server from the cookie the client just wrote.
  await page.goto('/member');
  await hydrated(page);
  await expect(page.locator('#organization-name')).toHaveText('Acme');
  await page.click('#ask-server');
  await expect(page.locator('#server-says')).toHaveText(`The server says: ${EMAIL}`);

  await page.click('#logout');
  await expect(page.locator('#signed-out')).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.locator('#signed-out')).toBeVisible();
  await expect(page.locator('#auth-state')).toHaveText('signed out');
  expect(w.console).toEqual([]);
});

test('a forged cookie renders signed out, and the client drops it', async ({ page, context, request }) => {
  const forged = 'forged-session-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const html = await (await request.get(`${SITE}/member`, { headers: { Cookie: `stytch_session=${forged}` } })).text();
  expect(html).toContain('id="signed-out"');
  expect(html).toMatch(/id="auth-state" data-initialized="true" data-from-cache="false"[^>]*>signed out/);

  await context.addCookies([{ name: 'stytch_session', value: forged, url: SITE }]);
  const w = await watch(page);
  await page.goto('/member');
  await hydrated(page);
  await expect(page.locator('#signed-out')).toBeVisible();
  await expect.poll(async () => (await context.cookies(SITE)).map((c) => c.name)).not.toContain('stytch_session');
  expect((await w.seen()).states).toEqual(['signed out|initialized=true|from_cache=false']);
  expect(w.console).toEqual([]);
});

test('a revoked session renders signed out', async ({ request }) => {
  const { token, jwt, sessionId } = await signIn(request);
  const cookie = `stytch_session=${token}; stytch_session_jwt=${jwt}`;
  expect(await (await request.get(`${SITE}/member`, { headers: { Cookie: cookie } })).text()).toContain(EMAIL);
  await revoke(request, sessionId);
  const html = await (await request.get(`${SITE}/member`, { headers: { Cookie: cookie } })).text();
  expect(html).toContain('id="signed-out"');
  expect(html).not.toContain(EMAIL);
});
