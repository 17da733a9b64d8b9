// @stytch/react 20's own headless client (what its README shows today; no @stytch/vanilla-js).
import { createStytchB2BClient } from '@stytch/react/b2b/headless';
export const createClient = createStytchB2BClient;
