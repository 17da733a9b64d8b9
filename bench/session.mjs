// Create a session on the bench emulator the way a browser app does (SDK API, magic link read from the
// control API's inbox), and mint fresh JWTs for it. Used by restore.mjs; run directly it prints
// {"session_token": …, "session_jwt": …} for load.sh.
//
// node bench/session.mjs EMULATOR_URL PUBLIC_TOKEN ORIGIN
export const EMAIL = 'bench@example.com';

export function emulatorClient(emulator, publicToken, origin) {
  async function call(method, path, body, auth) {
    const headers = { 'content-type': 'application/json', origin };
    if (auth) headers.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
    const resp = await fetch(`${emulator}${path}`, {
      method, headers, body: body && JSON.stringify(body), signal: AbortSignal.timeout(10_000),
    });
    const json = await resp.json();
    if (!resp.ok) throw new Error(`${method} ${path}: ${resp.status} ${json.error_type ?? ''}`);
    return json;
  }
  return {
    async createSession() {
      const { organizations } = await call('GET', '/emulator/v1/organizations');
      const org = organizations.find((o) => o.organization_slug === 'bench');
      await call('POST', '/sdk/v1/b2b/magic_links/email/login_or_signup',
        { organization_id: org.organization_id, email_address: EMAIL }, `${publicToken}:${publicToken}`);
      const { messages } = await call('GET', `/emulator/v1/messages?to=${encodeURIComponent(EMAIL)}`);
      const { data } = await call('POST', '/sdk/v1/b2b/magic_links/authenticate',
        { magic_links_token: messages[0].token, session_duration_minutes: 60 }, `${publicToken}:${publicToken}`);
      return data.session_token;
    },
    /** A fresh JWT for the session (they live 5 minutes). */
    async freshJwt(sessionToken) {
      const { data } = await call('POST', '/sdk/v1/b2b/sessions/authenticate', {}, `${publicToken}:${sessionToken}`);
      return data.session_jwt;
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [emulator, publicToken, origin] = process.argv.slice(2);
  const client = emulatorClient(emulator, publicToken, origin);
  const sessionToken = await client.createSession();
  console.log(JSON.stringify({ session_token: sessionToken, session_jwt: await client.freshJwt(sessionToken) }));
}
