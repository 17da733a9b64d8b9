// What the request-comparison specs share: the official SDK in a browser context of its own, with its
// /sdk/v1 requests recorded, and the emulator's credentials and seed lookups they need.
import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { EMULATOR } from '../../playwright.config';
import { openOfficialSdk, sdk, serveOfficialSdk, SITE_ORIGIN } from './official-sdk';
import { signIn } from '../../support/stytch-emulator';
import { recordSdkRequests, type Call } from './request-log';

/** A fresh browser context with the official SDK page open and its /sdk/v1 requests recorded. */
export async function officialSession(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = recordSdkRequests(page, EMULATOR);
  const errors = await serveOfficialSdk(page, EMULATOR);
  const telemetry = page.waitForResponse(`${EMULATOR}/sdk/v1/events`);
  telemetry.catch(() => undefined); // awaited only by the tests that need it; the others close the page first
  await openOfficialSdk(page);
  return {
    page,
    /** Resolves when the first telemetry batch (sent 800 ms after the client is built) is answered. */
    telemetry,
    async finish(): Promise<Call[]> {
      expect(errors, 'no errors in the official SDK page').toEqual([]);
      const calls = await log.calls();
      await context.close();
      return calls;
    },
  };
}

/**
 * Like `officialSession`, with `email` signed in to Acme first (session cookies from the test kit) and the SDK
 * done restoring that session, so that every request it sends names the member in X-SDK-Client.
 */
export async function officialSignedIn(browser: Browser, email: string) {
  const context = await browser.newContext();
  await signIn(context, { emulator: EMULATOR, organization: 'acme', email, url: SITE_ORIGIN });
  const page = await context.newPage();
  const log = recordSdkRequests(page, EMULATOR);
  const errors = await serveOfficialSdk(page, EMULATOR);
  await openOfficialSdk(page);
  await expect
    .poll(() => sdk(page, (s) => Boolean(s.session.getSync()?.member_session_id && s.self.getSync()?.member_id)))
    .toBe(true);
  return {
    page,
    async finish(): Promise<Call[]> {
      expect(errors, 'no errors in the official SDK page').toEqual([]);
      const calls = await log.calls();
      await context.close();
      return calls;
    },
  };
}

/** Acme's organization id, looked up by the official SDK (the call the demo makes too). */
export async function acmeId(page: Page): Promise<string> {
  const found = await sdk(page, (s) => s.organization.getBySlug({ organization_slug: 'acme' }));
  expect((found as any).organization?.organization_slug).toBe('acme');
  return (found as any).organization.organization_id;
}

/** Basic credentials of the backend API (project id and secret, from the control API). */
export async function backendAuth(request: APIRequestContext) {
  const project = await (await request.get(`${EMULATOR}/emulator/v1/project`)).json();
  return { Authorization: `Basic ${Buffer.from(`${project.project_id}:${project.secret}`).toString('base64')}` };
}
