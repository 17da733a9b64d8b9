// The headless client of @stytch/vanilla-js (the pairing Stytch documented before @stytch/react 20).
import { StytchB2BHeadlessClient } from '@stytch/vanilla-js/b2b/headless';
export const createClient = (token, options) => new StytchB2BHeadlessClient(token, options);
