// Time from navigation start to "session restored and member rendered" (`#member[data-restored]` in the
// DOM), for each app, in headless Chromium (Debian's), against one emulator holding one session.
// Each load is a fresh browser context holding only the two session cookies (no cache, no localStorage),
// so both SDKs must ask the emulator. Loads of the apps are interleaved (A, B, A, B…) so drift hits both.
// Only loopback is reachable: any other request is aborted and counted.
//
// node bench/restore.mjs EMULATOR_URL PUBLIC_TOKEN LOADS name=url [name=url…]  → JSON on stdout
import { chromium } from 'playwright';
import { EMAIL, emulatorClient } from './session.mjs';

const [emulator, publicToken, loadsArg, ...appArgs] = process.argv.slice(2);
const LOADS = Number(loadsArg);
const WARMUP = 2;
const apps = appArgs.map((a) => { const i = a.indexOf('='); return { name: a.slice(0, i), url: a.slice(i + 1) }; });
const origin = new URL(apps[0].url).origin;
const { createSession, freshJwt } = emulatorClient(emulator, publicToken, origin);

const isLoopback = (u) => { const h = new URL(u).hostname; return h === '127.0.0.1' || h === 'localhost' || h === '[::1]'; };

const sessionToken = await createSession();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic', '--disable-extensions'],
});

async function load(app, jwt, settleMs) {
  const context = await browser.newContext();
  const expires = Math.floor(Date.now() / 1000) + 3600;
  await context.addCookies([
    { name: 'stytch_session', value: sessionToken, domain: '127.0.0.1', path: '/', expires, sameSite: 'Lax' },
    { name: 'stytch_session_jwt', value: jwt, domain: '127.0.0.1', path: '/', expires, sameSite: 'Lax' },
  ]);
  const requests = [];
  let blocked = 0;
  await context.route('**/*', (route) => {
    if (isLoopback(route.request().url())) return route.continue();
    blocked += 1;
    return route.abort();
  });
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('#member[data-restored]')) {
        window.__restoredAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push({ method: r.method(), url: r.url() }));
  await page.goto(app.url, { timeout: 15_000 });
  await page.waitForFunction(() => window.__restoredAt !== undefined, null, { timeout: 15_000, polling: 50 });
  const ms = await page.evaluate(() => window.__restoredAt);
  const email = await page.locator('#member').textContent();
  if (email !== EMAIL) throw new Error(`${app.name}: rendered ${email}`);
  if (settleMs) await page.waitForTimeout(settleMs);
  await context.close();
  return { ms, requests, blocked, errors };
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => { const s = sorted(xs), n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
// Nearest-rank percentile.
const pct = (xs, p) => { const s = sorted(xs); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
const results = Object.fromEntries(apps.map((a) => [a.name, { times: [] }]));
let jwt = await freshJwt(sessionToken);
for (let i = 0; i < WARMUP + LOADS; i++) {
  if (i % 10 === 0) jwt = await freshJwt(sessionToken);
  for (const app of apps) {
    const r = await load(app, jwt, 0);
    if (i >= WARMUP) results[app.name].times.push(r.ms);
  }
}
// Requests on load: one more load each, counting everything sent in the 3 s after the member shows
// (Stytch's SDK batches telemetry; a later request still counts as "on load").
for (const app of apps) {
  const r = await load(app, await freshJwt(sessionToken), 3000);
  const api = r.requests.filter((q) => q.url.startsWith(emulator));
  Object.assign(results[app.name], {
    requests: r.requests.length,
    api_requests: api.length,
    api: api.map((q) => `${q.method} ${new URL(q.url).pathname.replace(publicToken, '{public_token}')}`),
    blocked: r.blocked,
    errors: r.errors,
  });
}
await browser.close();
for (const r of Object.values(results)) {
  r.loads = r.times.length;
  r.median_ms = median(r.times);
  r.p95_ms = pct(r.times, 95);
  delete r.times;
}
console.log(JSON.stringify(results));
