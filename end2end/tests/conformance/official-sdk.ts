// Serves the official `@stytch/vanilla-js` (B2B headless entry) at the demo's origin, without touching
// ../dist: Playwright fulfils `/conformance/**` itself. The package's production ESM build has no runtime
// dependencies and imports only relative `.mjs` files (42 files reachable from `b2b/index.headless.mjs`, no
// bare specifiers, no `process`), so Chromium loads it as native ES modules: no bundler needed.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';

export const SITE_ORIGIN = 'http://127.0.0.1:8080';
export const PUBLIC_TOKEN = 'public-token-test-6c1f5f0e-6b3a-4c43-9b7a-0d3c6f7d1e01';
/** The package version the conformance test pins (end2end/package.json); checked at run time. */
export const OFFICIAL_SDK_VERSION = '6.3.0';

const PACKAGE_DIR = path.resolve(__dirname, '../../node_modules/@stytch/vanilla-js');
const ESM_DIR = path.join(PACKAGE_DIR, 'dist/esm');
const PAGE_PATH = '/conformance/index.html';

function pageHtml(apiUrl: string): string {
  // Protocol §1: the undocumented `endpoints` override is the only one that keeps scheme and port.
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>official @stytch/vanilla-js</title></head>
<body>
<p id="ready" hidden>ready</p>
<script type="module">
  import { createStytchB2BClient, StytchAPIError, StytchError } from '/conformance/sdk/b2b/index.headless.mjs';
  window.stytch = createStytchB2BClient(${JSON.stringify(PUBLIC_TOKEN)}, {
    endpoints: { testAPIURL: ${JSON.stringify(apiUrl)}, liveAPIURL: ${JSON.stringify(apiUrl)} },
  });
  window.StytchAPIError = StytchAPIError;
  window.StytchError = StytchError;
  document.getElementById('ready').hidden = false;
</script>
</body>
</html>`;
}

/** Routes the conformance page and the SDK's module files; collects page errors for the caller to check. */
export async function serveOfficialSdk(page: Page, apiUrl: string): Promise<string[]> {
  const pkg = JSON.parse(await readFile(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));
  expect(pkg.version, 'the pinned @stytch/vanilla-js is installed (npm ci in end2end/)').toBe(OFFICIAL_SDK_VERSION);
  // Chromium's Local Network Access: a document Playwright fulfils has no IP address, so Chromium puts it in
  // the public address space and asks the user before it may fetch a loopback address (the emulator). The
  // demo, served by a real server on 127.0.0.1, never asks. Grant what a user would grant at the prompt.
  await page.context().grantPermissions(['local-network-access'], { origin: SITE_ORIGIN });
  const errors: string[] = [];
  // A blocked request (CORS, network) is a conformance failure even when the SDK swallows it (telemetry).
  // ERR_ABORTED is a request the page itself cancelled by navigating away (a telemetry batch in flight).
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    if (why !== 'net::ERR_ABORTED') errors.push(`requestfailed: ${r.method()} ${r.url()}: ${why}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // 4xx answers the tests provoke are logged by the browser as resource errors; anything else is a bug.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  await page.route(`${SITE_ORIGIN}/conformance/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === PAGE_PATH) {
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: pageHtml(apiUrl) });
    }
    const prefix = '/conformance/sdk/';
    if (url.pathname.startsWith(prefix)) {
      const file = path.resolve(ESM_DIR, decodeURIComponent(url.pathname.slice(prefix.length)));
      if (file.startsWith(ESM_DIR + path.sep) && file.endsWith('.mjs')) {
        try {
          return route.fulfill({ status: 200, contentType: 'text/javascript', body: await readFile(file) });
        } catch {
          // fall through to 404
        }
      }
    }
    return route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' });
  });
  return errors;
}

/** Opens the conformance page (optionally with a query string) and waits until `window.stytch` exists. */
export async function openOfficialSdk(page: Page, search = ''): Promise<void> {
  await page.goto(`${SITE_ORIGIN}${PAGE_PATH}${search}`);
  await expect(page.locator('#ready')).toBeVisible();
}

/**
 * Runs `fn` in the page with the official client as its first argument. An error thrown by the SDK comes
 * back as `{ thrown: {...} }` instead of rejecting, so the test can assert on its class and fields.
 */
export async function sdk<A, R>(
  page: Page,
  fn: (stytch: any, arg: A) => Promise<R> | R,
  arg?: A,
): Promise<R> {
  const source = fn.toString();
  return page.evaluate(
    async ({ source, arg }) => {
      // eslint-disable-next-line no-new-func
      const f = new Function(`return (${source});`)();
      return f((window as any).stytch, arg);
    },
    { source, arg: arg as any },
  );
}

export type Thrown = {
  name: string;
  isStytchAPIError: boolean;
  error_type?: string;
  status_code?: number;
  message: string;
};

/** Runs `fn` in the page and returns what it threw, described; fails if it did not throw. */
export async function sdkError<A>(page: Page, fn: (stytch: any, arg: A) => Promise<unknown>, arg?: A): Promise<Thrown> {
  const source = fn.toString();
  const outcome = await page.evaluate(
    async ({ source, arg }) => {
      const f = new Function(`return (${source});`)();
      try {
        await f((window as any).stytch, arg);
        return { ok: true as const };
      } catch (e: any) {
        return {
          ok: false as const,
          thrown: {
            name: e?.name ?? String(e),
            isStytchAPIError: e instanceof (window as any).StytchAPIError,
            error_type: e?.error_type,
            status_code: e?.status_code,
            message: String(e?.message ?? e),
          },
        };
      }
    },
    { source, arg: arg as any },
  );
  expect(outcome.ok, 'the SDK call throws').toBe(false);
  return (outcome as { ok: false; thrown: Thrown }).thrown;
}
