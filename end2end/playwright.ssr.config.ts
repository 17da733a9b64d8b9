import { defineConfig, devices } from '@playwright/test';

// The server-rendered example (examples/ssr), built by scripts/ssr-example.sh, against its own emulator.
// Ports and seed come from [ssr_example] of Leptos.toml through scripts/lib.sh.
const HOST = process.env.SSR_HOST ?? '127.0.0.1';
const PORT = process.env.SSR_PORT ?? '8090';
const EMULATOR_PORT = process.env.SSR_EMULATOR_PORT ?? '4012';
const SEED = process.env.SSR_SEED ?? 'emulator/seeds/ssr-example.json';
export const SITE = `http://${HOST}:${PORT}`;
export const EMULATOR = `http://${HOST}:${EMULATOR_PORT}`;
export const SEED_PATH = `../${SEED}`;

export default defineConfig({
  testDir: './ssr',
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
      command: `../target/debug/stytch-emulator --memory --host ${HOST} --port ${EMULATOR_PORT} --seed ${SEED_PATH}`,
      url: `${EMULATOR}/emulator/v1/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'ignore',
    },
    {
      // Serves what scripts/ssr-example.sh built; the project secret stays in the server's environment.
      command: '../scripts/ssr-example.sh --serve',
      url: `${SITE}/`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
