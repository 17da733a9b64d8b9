// Compares two request logs (official SDK vs our client) call by call.
import { expect } from '@playwright/test';
import { callKey, type Call } from './request-log';
import { OFFICIAL_SDK_VERSION } from './official-sdk';

/**
 * Calls only the official SDK makes, each with the reason the difference is allowed. Nothing else may differ:
 * DFP and captcha need no entry, because the emulator's bootstrap turns both off and the official SDK then
 * omits `dfp_telemetry_id` and `captcha_token` (protocol §2), exactly as our client does.
 */
export const ONLY_OFFICIAL: Record<string, string> = {
  'POST /events':
    'telemetry: the official EventLogger batches events to /sdk/v1/events (protocol §2); our client sends no telemetry by design',
};

/**
 * X-SDK-Client values allowed to differ (the keys may not): the SDK names itself. Every other value is
 * checked for its format in both logs.
 */
export const SDK_CLIENT_VALUES_THAT_DIFFER = {
  'sdk.identifier': 'the blob names the SDK that sent it: "Stytch.js Javascript SDK" vs "leptos-stytch"',
  'sdk.version': 'likewise its version: "@stytch/vanilla-js@6.3.0" vs "leptos-stytch@<crate version>"',
};

/** What the wire contract fixes for one call. */
function wire(c: Call) {
  return {
    call: callKey(c),
    headers: c.headers,
    auth: c.auth,
    contentType: c.contentType,
    bodyKeys: c.bodyKeys,
    sdkClientKeys: c.sdkClientKeys,
    parentHost: c.parentHost,
  };
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

/** The decoded X-SDK-Client blob has protocol §2's shape and plausible values. */
function checkSdkClient(c: Call, origin: string, who: string) {
  const blob = c.sdkClient;
  const at = `${who}: X-SDK-Client of ${callKey(c)}`;
  expect(blob, at).toBeTruthy();
  expect(blob.event_id, at).toMatch(new RegExp(`^event-id-${UUID}$`));
  expect(blob.app_session_id, at).toMatch(new RegExp(`^app-session-id-${UUID}$`));
  expect(blob.persistent_id, at).toMatch(new RegExp(`^persistent-id-${UUID}$`));
  expect(Math.abs(Date.parse(blob.client_sent_at) - Date.now()), `${at}: client_sent_at is now`).toBeLessThan(5 * 60_000);
  expect(blob.client_sent_at, at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  expect(typeof blob.timezone === 'string' && blob.timezone.length > 0, `${at}: timezone`).toBe(true);
  expect(blob.app, at).toEqual({ identifier: new URL(origin).hostname });
  expect(typeof blob.sdk?.identifier, at).toBe('string');
  expect(typeof blob.sdk?.version, at).toBe('string');
  expect(c.parentHost, `${who}: X-SDK-Parent-Host of ${callKey(c)}`).toBe(origin);
}

/**
 * Asserts that our client sent the same calls as the official SDK, in the same order, each with the same
 * method, path, header names, Basic credentials kind, content type, body keys and X-SDK-Client keys.
 * `required` lists calls that must be among them (so an empty or truncated log cannot pass).
 */
export function expectSameRequests(official: Call[], ours: Call[], origin: string, required: string[]) {
  expect(ours.filter((c) => callKey(c) in ONLY_OFFICIAL).map(callKey), 'calls our client never makes').toEqual([]);
  for (const c of official.filter((c) => callKey(c) === 'POST /events')) {
    // Protocol §2: telemetry carries only Content-Type (no Basic auth, no SDK headers) and a JSON array.
    expect(c.headers, 'telemetry headers').toEqual(['content-type']);
    expect(c.bodyKeys, 'telemetry body').toEqual(['<array>']);
  }
  const comparable = official.filter((c) => !(callKey(c) in ONLY_OFFICIAL));
  for (const c of comparable) checkSdkClient(c, origin, 'official');
  for (const c of ours) checkSdkClient(c, origin, 'ours');
  for (const c of comparable) {
    expect(c.sdkClient.sdk, 'the pinned official SDK ran').toEqual({
      identifier: 'Stytch.js Javascript SDK',
      version: `@stytch/vanilla-js@${OFFICIAL_SDK_VERSION}`,
    });
  }
  for (const key of required) {
    expect(comparable.map(callKey), `the official SDK made ${key}`).toContain(key);
  }
  expect(ours.map(callKey), 'the same calls in the same order').toEqual(comparable.map(callKey));
  comparable.forEach((c, i) => {
    // sdkClientKeys also covers the member fields, present exactly when a session exists.
    expect(wire(ours[i]), `call #${i} ${callKey(c)}`).toEqual(wire(c));
  });
}
