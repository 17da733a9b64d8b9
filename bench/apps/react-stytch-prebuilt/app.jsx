// The minimal React app (bench/apps/react-stytch) plus Stytch's pre-built <StytchB2B> login for one organization
// with magic links, email codes and passwords (@stytch/react 20's own client, as its README pairs them):
// bench/run.sh reports what it adds over the minimal app, beside what ours adds.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  AuthFlowType, B2BProducts, StytchB2B, StytchB2BProvider, createStytchB2BClient, useStytchB2BClient, useStytchMember,
} from '@stytch/react/b2b';

const API_URL = 'http://127.0.0.1:4020';
const PUBLIC_TOKEN = 'public-token-test-8f0c2a1e-3b4d-4e5f-9a6b-7c8d9e0f1a2b';

const stytch = createStytchB2BClient(PUBLIC_TOKEN, {
  endpoints: { testAPIURL: API_URL, liveAPIURL: API_URL },
});

const config = {
  products: [B2BProducts.emailMagicLinks, B2BProducts.emailOtp, B2BProducts.passwords],
  authFlowType: AuthFlowType.Organization,
  organizationSlug: 'acme',
  sessionOptions: { sessionDurationMinutes: 60 },
};

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
      <StytchB2B config={config} />
    </StytchB2BProvider>
  </StrictMode>,
);
