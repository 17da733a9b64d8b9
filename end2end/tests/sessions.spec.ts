import { test, expect, type Page, type BrowserContext } from './fixtures';
import { DemoPage, Emulator, EMULATOR } from './fixtures';
import { signIn as signInWithKit } from '../support/stytch-emulator';

const AUTHENTICATE = '/sdk/v1/b2b/sessions/authenticate';

async function signIn(demo: DemoPage, emulator: Emulator, email = 'admin@example.com') {
  await demo.open();
  await demo.requestLink(email);
  await expect(demo.page.locator('#login-status')).toBeVisible();
  const message = await emulator.lastMessage(email);
  await demo.page.goto(message.link);
  await expect(demo.page.locator('#member-email')).toHaveText(email);
}

/** Opens the demo already signed in, for tests of what a session does once it exists. */
async function signedIn(demo: DemoPage, email = 'admin@example.com') {
  await signInWithKit(demo.page.context(), {
    emulator: EMULATOR,
    organization: 'acme',
    email,
    url: test.info().project.use.baseURL,
  });
  await demo.open();
  await expect(demo.page.locator('#member-email')).toHaveText(email);
}

async function openTab(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/');
  return page;
}

function countRequests(context: BrowserContext, path: string) {
  const seen: string[] = [];
  context.on('request', (r) => {
    if (new URL(r.url()).pathname === path && r.method() === 'POST') seen.push(r.url());
  });
  return seen;
}

test('login and logout reach every tab within a second', async ({ demo, emulator, context, page }) => {
  await signIn(demo, emulator);
  const b = await openTab(context);
  const c = await openTab(context);
  for (const p of [b, c]) await expect(p.locator('#member-email')).toHaveText('admin@example.com');

  await c.click('#logout');
  for (const p of [page, b, c]) await expect(p.locator('#login-email')).toBeVisible({ timeout: 1_000 });

  await signIn(demo, emulator);
  for (const p of [b, c]) await expect(p.locator('#member-email')).toHaveText('admin@example.com', { timeout: 1_000 });
});

test('three tabs make exactly one refresh request per interval', async ({ demo, emulator, context, page }) => {
  // One fake clock for the whole browser context, as every tab of a browser shares the system clock.
  await context.clock.install();
  await signedIn(demo);
  const tabs = [page, await openTab(context), await openTab(context)];
  // Wait until every tab has finished its restore request (the cached state shows first), then count.
  for (const p of tabs) await expect(p.locator('#session-from-cache')).toHaveText('false');
  await page.waitForTimeout(500);
  const refreshes = countRequests(context, AUTHENTICATE);

  for (let round = 1; round <= 2; round++) {
    // 3 min 5 s in 5-second steps, so every tab's timers and storage events run in order, as in real time.
    for (let step = 0; step < 37; step++) {
      await context.clock.fastForward(5_000);
      await page.waitForTimeout(20);
    }
    await expect.poll(() => refreshes.length, { message: `a refresh in interval ${round}` }).toBeGreaterThanOrEqual(round);
    await page.waitForTimeout(1_000);
    expect(refreshes.length, `exactly one refresh in interval ${round}`).toBe(round);
  }
  for (const p of tabs) await expect(p.locator('#member-email')).toHaveText('admin@example.com');
});

test('offline then online keeps the session', async ({ demo, emulator, context, page }) => {
  await context.clock.install();
  await signedIn(demo);
  const refreshes = countRequests(context, AUTHENTICATE);
  const failed: string[] = [];
  page.on('requestfailed', (r) => { if (new URL(r.url()).pathname === AUTHENTICATE) failed.push(r.url()); });

  await context.setOffline(true);
  await page.clock.fastForward('03:05');
  await expect.poll(() => failed.length).toBeGreaterThan(0);
  await page.clock.fastForward('00:10');            // a retry after ~4 s also fails
  await expect.poll(() => failed.length).toBeGreaterThan(1);
  await expect(page.locator('#member-email')).toHaveText('admin@example.com');

  const ok = page.waitForResponse((r) => new URL(r.url()).pathname === AUTHENTICATE && r.status() === 200);
  await context.setOffline(false);                  // the `online` event refreshes at once
  await ok;
  expect(refreshes.length).toBeGreaterThan(failed.length);
  await expect(page.locator('#member-email')).toHaveText('admin@example.com');
  await demo.getTokens();
  await expect(page.getByTestId('session-jwt')).not.toBeEmpty();
});

test('HttpOnly mode shows no tokens yet stays logged in', async ({ demo, emulator, page, context, request }) => {
  const settings = await request.post(`${EMULATOR}/emulator/v1/settings`, { data: { http_only_cookies: true } });
  expect((await settings.json()).http_only_cookies).toBe(true);
  await signIn(demo, emulator);

  const session = (await context.cookies()).find((c) => c.name === 'stytch_session');
  expect(session?.httpOnly, 'the API set the session cookie HttpOnly').toBe(true);
  expect(await page.evaluate(() => document.cookie)).not.toContain('stytch_session');
  await demo.getTokens();
  await expect(page.locator('#no-tokens')).toBeVisible();
  await expect(page.getByTestId('session-token')).toHaveCount(0);

  await page.reload();
  await expect(page.locator('#member-email')).toHaveText('admin@example.com');
  await expect(page.locator('#session-from-cache')).toHaveText('false');

  await demo.logout();
  const names = (await context.cookies()).map((c) => c.name);
  expect(names).not.toContain('stytch_session');
  expect(names).not.toContain('stytch_session_jwt');
  await page.reload();
  await expect(page.locator('#login-email')).toBeVisible();
});
