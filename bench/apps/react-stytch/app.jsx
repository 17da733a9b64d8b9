// The same app as bench/apps/leptos-minimal, written with Stytch's own SDK: React 19, @stytch/react's
// B2B provider and hooks, and a headless B2B client (from @stytch/vanilla-js, or @stytch/react's own:
// bench/run.sh bundles both variants with esbuild, picking the client module with --alias).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { StytchB2BProvider } from '@stytch/react/b2b';
import { createClient } from 'bench-stytch-client';
import { CLIENT_OPTIONS, GetSessionTokens, MemberEmail, PUBLIC_TOKEN } from './components.jsx';

const stytch = createClient(PUBLIC_TOKEN, CLIENT_OPTIONS);

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <StytchB2BProvider stytch={stytch}>
      <MemberEmail />
      <GetSessionTokens />
    </StytchB2BProvider>
  </StrictMode>,
);
