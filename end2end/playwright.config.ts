import { defineConfig, devices } from '@playwright/test';

// Ports come from Leptos.toml through scripts/test.sh (SITE_PORT, EMULATOR_PORT); the demo in ../dist was
// built against the same emulator address.
const SITE = `http://${process.env.SITE_HOST ?? '127.0.0.1'}:${process.env.SITE_PORT ?? '8080'}`;
const EMULATOR_HOST = process.env.EMULATOR_HOST ?? '127.0.0.1';
const EMULATOR_PORT = process.env.EMULATOR_PORT ?? '4010';
export const EMULATOR = `http://${EMULATOR_HOST}:${EMULATOR_PORT}`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: SITE,
    ...devices['Desktop Chrome'],
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
             '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  webServer: [
    {
      // A fresh in-memory emulator with the demo's seed for every run.
      command: `../target/debug/stytch-emulator --memory --host ${EMULATOR_HOST} --port ${EMULATOR_PORT} --seed ../${process.env.EMULATOR_SEED ?? 'emulator/seeds/demo.json'}`,
      url: `${EMULATOR}/emulator/v1/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'ignore',
    },
    {
      // Like `trunk serve`: unknown paths get index.html (the demo's consent page lives at /oauth/authorize).
      command: `python3 spa-server.py ${process.env.SITE_PORT ?? '8080'} ${process.env.SITE_HOST ?? '127.0.0.1'} ../dist`,
      url: `${SITE}/index.html`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'ignore',
    },
  ],
});
