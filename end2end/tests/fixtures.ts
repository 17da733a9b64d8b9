import { test as base, expect, type Page, type APIRequestContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { EMULATOR } from '../playwright.config';
import { signIn as signInWithKit } from '../support/stytch-emulator';

export { expect, EMULATOR };

/** The demo page, as a person sees it. */
export class DemoPage {
  readonly errors: string[] = [];
  constructor(readonly page: Page) {
    page.on('pageerror', (e) => this.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      // A 4xx from an API call the test provokes is logged by the browser as a resource error; anything
      // else on the console at error level is a bug.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) this.errors.push(m.text());
    });
  }
  async open() {
    await this.page.goto('/');
  }
  /** Opens the demo with `email` already signed in to `organization` (the test kit's one-call sign-in). */
  async openSignedIn(email: string, organization = 'acme') {
    await signInWithKit(this.page.context(), {
      emulator: EMULATOR,
      organization,
      email,
      url: base.info().project.use.baseURL,
    });
    await this.open();
    await expect(this.page.locator('#member-email')).toHaveText(email);
  }
  async requestLink(email: string, org = 'acme') {
    await this.page.fill('#login-org', org);
    await this.page.fill('#login-email', email);
    await this.page.click('#login-submit');
  }
  async getTokens() {
    await this.page.getByTestId('get-session-tokens').click();
  }
  async logout() {
    await this.page.click('#logout');
    await expect(this.page.locator('#login-email')).toBeVisible();
  }
  /** Acme's admin (signed in through the test kit) requires MFA for everyone, then logs out. */
  async requireMfaForAcme() {
    await this.openSignedIn('admin@example.com');
    await this.page.click('#tab-organization');
    await this.page.selectOption('#org-settings-mfa-policy', 'REQUIRED_FOR_ALL');
    await this.page.click('#org-settings-save');
    await expect(this.page.locator('#org-settings-status')).toContainText('Saved');
    // Sessions that already exist survive the change.
    await expect(this.page.locator('#member-email')).toHaveText('admin@example.com');
    await this.logout();
  }
}

/** Presses Tab until `selector` has the focus (at most 40 times), as a keyboard-only user would. */
export async function tabTo(page: Page, selector: string) {
  for (let i = 0; i < 40; i++) {
    if (await page.locator(selector).evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** No serious or critical axe-core violations on the page as it is now. */
export async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), what).toEqual([]);
}

/** The emulator's control and backend APIs. */
export class Emulator {
  constructor(readonly request: APIRequestContext) {}
  async reset() {
    expect((await this.request.post(`${EMULATOR}/emulator/v1/reset`)).ok()).toBeTruthy();
  }
  /** The newest message to `to`, waiting for it to arrive (the UI may still be sending it). */
  async lastMessage(to: string) {
    let messages: any[] = [];
    await expect
      .poll(async () => {
        const resp = await this.request.get(`${EMULATOR}/emulator/v1/messages?to=${encodeURIComponent(to)}`);
        expect(resp.ok()).toBeTruthy();
        messages = (await resp.json()).messages;
        return messages.length;
      })
      .toBeGreaterThan(0);
    return messages[0];
  }
  async backendAuthenticate(body: Record<string, string>) {
    const project = await (await this.request.get(`${EMULATOR}/emulator/v1/project`)).json();
    const auth = Buffer.from(`${project.project_id}:${project.secret}`).toString('base64');
    return this.request.post(`${EMULATOR}/v1/b2b/sessions/authenticate`, {
      headers: { Authorization: `Basic ${auth}` },
      data: body,
    });
  }
}

export const test = base.extend<{ demo: DemoPage; emulator: Emulator }>({
  demo: async ({ page }, use) => {
    const demo = new DemoPage(page);
    await use(demo);
    expect(demo.errors, 'no errors in the page').toEqual([]);
  },
  emulator: async ({ request }, use) => {
    const emulator = new Emulator(request);
    await emulator.reset();
    await use(emulator);
  },
});
