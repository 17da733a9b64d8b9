// The same app as bench/apps/leptos-minimal, written with Stytch's own SDK: React 19, @stytch/react's
// B2B provider and hooks, and a headless B2B client (from @stytch/vanilla-js, or @stytch/react's own:
// bench/run.sh bundles both variants with esbuild, picking the client module with --alias).
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { StytchB2BProvider, useStytchB2BClient, useStytchMember } from '@stytch/react/b2b';
import { createClient } from 'bench-stytch-client';

const API_URL = 'http://127.0.0.1:4020';
const PUBLIC_TOKEN = 'public-token-test-8f0c2a1e-3b4d-4e5f-9a6b-7c8d9e0f1a2b';

// `endpoints` (undocumented) is the only way to give the SDK a full http:// URL with a port.
const stytch = createClient(PUBLIC_TOKEN, {
  endpoints: { testAPIURL: API_URL, liveAPIURL: API_URL },
});

function MemberEmail() {
  const { member, fromCache } = useStytchMember();
  return member && !fromCache
    ? <p id="member" data-restored="">{member.email_address}</p>
    : <p id="member">…</p>;
}

function GetSessionTokens() {
  const client = useStytchB2BClient();
  const [tokens, setTokens] = useState(undefined);
  return (
    <div>
      <button type="button" onClick={() => setTokens(client.session.getTokens())}>Get Session Tokens</button>
      {tokens && <dl><dt>session_token</dt><dd>{tokens.session_token}</dd><dt>session_jwt</dt><dd>{tokens.session_jwt}</dd></dl>}
    </div>
  );
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <StytchB2BProvider stytch={stytch}>
      <MemberEmail />
      <GetSessionTokens />
    </StytchB2BProvider>
  </StrictMode>,
);
