// The minimal React app (bench/apps/react-stytch) plus Stytch's pre-built <StytchB2B> login for one organization
// with magic links, email codes and passwords (@stytch/react 20's own client, as its README pairs them):
// bench/run.sh reports what it adds over the minimal app, beside what ours adds.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AuthFlowType, B2BProducts, StytchB2B, StytchB2BProvider, createStytchB2BClient } from '@stytch/react/b2b';
import { CLIENT_OPTIONS, GetSessionTokens, MemberEmail, PUBLIC_TOKEN } from '../react-stytch/components.jsx';

const stytch = createStytchB2BClient(PUBLIC_TOKEN, CLIENT_OPTIONS);

const config = {
  products: [B2BProducts.emailMagicLinks, B2BProducts.emailOtp, B2BProducts.passwords],
  authFlowType: AuthFlowType.Organization,
  organizationSlug: 'acme',
  sessionOptions: { sessionDurationMinutes: 60 },
};

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <StytchB2BProvider stytch={stytch}>
      <MemberEmail />
      <GetSessionTokens />
      <StytchB2B config={config} />
    </StytchB2BProvider>
  </StrictMode>,
);
