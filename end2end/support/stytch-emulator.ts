/**
 * A Playwright kit for apps that use Stytch B2B: start a local stytch-emulator, sign a member in
 * without the login UI, read the emails the app sent. Needs only `@playwright/test` and Node 18+;
 * copy this file into your project or import it from a checkout of leptos-stytch.
 *
 *   const emulator = await startEmulator({ seed: 'emulator/seeds/demo.json' });
 *   await signIn(context, { organization: 'acme', email: 'admin@example.com', url: 'http://127.0.0.1:8080' });
 *   await page.goto('http://127.0.0.1:8080/');   // the SDK starts signed in
 *   const { link, code } = await lastMessage('someone@example.com');
 *   await stopEmulator(emulator);
 *
 * Every function takes an optional `emulator` (a started one or a base URL); by default it is the one
 * started last, else $STYTCH_EMULATOR_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { BrowserContext } from '@playwright/test';

/** A running emulator: its base URL and project credentials. */
export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`: the SDK's `testAPIURL` / `liveAPIURL`. */
  url: string;
  publicToken: string;
  projectId: string;
  /** The process, when `startEmulator` spawned it. */
  process?: ChildProcess;
}

export interface StartOptions {
  /** Use an emulator that is already running (e.g. Playwright's `webServer`) instead of spawning one. */
  url?: string;
  /** The binary; default $STYTCH_EMULATOR_BIN, else `target/debug/stytch-emulator` in this or a parent
   *  directory, else `stytch-emulator` on the PATH (`cargo install stytch-emulator`). */
  binary?: string;
  /** A seed file (project, organizations, members, allowed origins). */
  seed?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Origins allowed besides the seed's (the app under test's). */
  allowOrigins?: string[];
  /** Redirect URLs allowed besides the seed's. */
  redirectUrls?: string[];
  /** How long to wait for it to listen (default 30 s). */
  timeoutMs?: number;
}

/** One of the session cookies, as `POST /emulator/v1/sessions` answers it. */
export interface SessionCookie {
  name: string;
  value: string;
  path: string;
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Strict' | 'Lax' | 'None';
}

/** The answer of a sign-in: the authenticate response plus `member_created` and `cookies`. */
export interface SignedIn {
  session_token: string;
  session_jwt: string;
  member_id: string;
  organization_id: string;
  member_created: boolean;
  member: Record<string, any>;
  member_session: Record<string, any>;
  organization: Record<string, any>;
  cookies: SessionCookie[];
  [field: string]: unknown;
}

export interface SignInOptions {
  /** The organization's id or slug. */
  organization: string;
  /** The member's email: a new one becomes a member where the organization's JIT rules allow it. */
  email?: string;
  /** Or an existing member's id. */
  memberId?: string;
  /** Replace the member's assigned roles (besides `stytch_member`). */
  roles?: string[];
  /** 5..527040, default 60. */
  sessionDurationMinutes?: number;
  /** The app's URL the cookies are for (host-only cookies, like the SDK's). Or give `domain`. */
  url?: string;
  domain?: string;
  emulator?: RunningEmulator | string;
}

/** A message in the emulator's mailbox. */
export interface Message {
  message_id: string;
  to: string;
  kind: string;
  subject: string;
  body: string;
  link: string | null;
  token: string | null;
  code: string | null;
  created_at: string;
}

let current: RunningEmulator | undefined;

function baseUrl(emulator?: RunningEmulator | string): string {
  const url = typeof emulator === 'string' ? emulator : (emulator ?? current)?.url ?? process.env.STYTCH_EMULATOR_URL;
  if (!url) throw new Error('no emulator: call startEmulator() first, pass `emulator`, or set STYTCH_EMULATOR_URL');
  return url.replace(/\/+$/, '');
}

/** The answer's JSON, or an Error carrying Stytch's `error_type` and message. */
async function json(resp: Response, what: string): Promise<any> {
  const text = await resp.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${what}: ${resp.status} ${text.slice(0, 200)}`);
  }
  if (!resp.ok) throw new Error(`${what}: ${resp.status} ${body.error_type}: ${body.error_message}`);
  return body;
}

function findBinary(): string {
  if (process.env.STYTCH_EMULATOR_BIN) return process.env.STYTCH_EMULATOR_BIN;
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const candidate = join(dir, 'target', 'debug', 'stytch-emulator');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return 'stytch-emulator';
  }
}

/** Start an emulator (in memory, on a free port) or attach to a running one at `url`. */
export async function startEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  if (options.url) {
    const project = await json(await fetch(`${baseUrl(options.url)}/emulator/v1/project`), 'emulator project');
    current = { url: baseUrl(options.url), publicToken: project.public_token, projectId: project.project_id };
    return current;
  }
  const args = ['--memory', '--host', '127.0.0.1', '--port', String(options.port ?? 0)];
  if (options.seed) args.push('--seed', resolve(options.seed));
  for (const origin of options.allowOrigins ?? []) args.push('--allow-origin', origin);
  for (const url of options.redirectUrls ?? []) args.push('--redirect-url', url);
  const child = spawn(options.binary ?? findBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    // Request log lines (method, path, status); kept short, for the error message only.
    stderr = (stderr + chunk).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout! });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const first = await new Promise<string>((resolveLine, reject) => {
    const timer = setTimeout(() => reject(new Error(`stytch-emulator did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.once('error', (e) => { clearTimeout(timer); reject(new Error(`cannot start stytch-emulator: ${e.message}`)); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`stytch-emulator exited (${code}): ${stderr}`)); });
    lines.once('line', (line) => { clearTimeout(timer); resolveLine(line); });
  });
  child.removeAllListeners('exit');
  const m = /listening on (\S+) public_token=(\S+) project_id=(\S+)/.exec(first);
  if (!m) {
    child.kill();
    throw new Error(`unexpected first line from stytch-emulator: ${first}`);
  }
  current = { url: m[1], publicToken: m[2], projectId: m[3], process: child };
  return current;
}

/** Stop an emulator `startEmulator` spawned (one it attached to keeps running). */
export async function stopEmulator(emulator: RunningEmulator | undefined = current): Promise<void> {
  if (current === emulator) current = undefined;
  const child = emulator?.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  await exited;
}

/** Sign a member in (`POST /emulator/v1/sessions`) and add the session cookies to `context`. */
export async function signIn(context: BrowserContext, options: SignInOptions): Promise<SignedIn> {
  if (!options.url && !options.domain) throw new Error('signIn: give the `url` (or `domain`) of the app under test');
  const body: Record<string, unknown> = { organization_id: options.organization };
  if (options.email !== undefined) body.email_address = options.email;
  if (options.memberId !== undefined) body.member_id = options.memberId;
  if (options.roles !== undefined) body.roles = options.roles;
  if (options.sessionDurationMinutes !== undefined) body.session_duration_minutes = options.sessionDurationMinutes;
  const resp = await fetch(`${baseUrl(options.emulator)}/emulator/v1/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const session: SignedIn = await json(resp, 'sign-in');
  await context.addCookies(
    session.cookies.map(({ path, ...cookie }) =>
      // Playwright takes a url, or a domain with a path, never both.
      options.url ? { ...cookie, url: options.url } : { ...cookie, domain: options.domain!, path },
    ),
  );
  return session;
}

/** Every message sent to `to`, newest first. */
export async function messages(to: string, emulator?: RunningEmulator | string): Promise<Message[]> {
  const resp = await fetch(`${baseUrl(emulator)}/emulator/v1/messages?to=${encodeURIComponent(to)}`);
  return (await json(resp, 'messages')).messages;
}

/** The newest message to `to`, waiting up to `timeoutMs` (default 10 s) for one to arrive. */
export async function lastMessage(
  to: string,
  options: { emulator?: RunningEmulator | string; timeoutMs?: number } = {},
): Promise<Message> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const [newest] = await messages(to, options.emulator);
    if (newest) return newest;
    if (Date.now() > deadline) throw new Error(`no message to ${to}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Put the emulator back to its seed: members, sessions and messages since the start are gone. */
export async function resetEmulator(emulator?: RunningEmulator | string): Promise<void> {
  await json(await fetch(`${baseUrl(emulator)}/emulator/v1/reset`, { method: 'POST' }), 'reset');
}
