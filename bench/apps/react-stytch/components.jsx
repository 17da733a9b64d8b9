// What the minimal React app and the pre-built one share: the bench emulator's address and token, the member's
// email and the Get Session Tokens button, so that the two apps differ only by <StytchB2B>.
import { useState } from 'react';
import { useStytchB2BClient, useStytchMember } from '@stytch/react/b2b';

export const API_URL = 'http://127.0.0.1:4020';
export const PUBLIC_TOKEN = 'public-token-test-8f0c2a1e-3b4d-4e5f-9a6b-7c8d9e0f1a2b';
// `endpoints` (undocumented) is the only way to give the SDK a full http:// URL with a port.
export const CLIENT_OPTIONS = { endpoints: { testAPIURL: API_URL, liveAPIURL: API_URL } };

export function MemberEmail() {
  const { member, fromCache } = useStytchMember();
  return member && !fromCache
    ? <p id="member" data-restored="">{member.email_address}</p>
    : <p id="member">…</p>;
}

export function GetSessionTokens() {
  const client = useStytchB2BClient();
  const [tokens, setTokens] = useState(undefined);
  return (
    <div>
      <button type="button" onClick={() => setTokens(client.session.getTokens())}>Get Session Tokens</button>
      {tokens && <dl><dt>session_token</dt><dd>{tokens.session_token}</dd><dt>session_jwt</dt><dd>{tokens.session_jwt}</dd></dl>}
    </div>
  );
}
