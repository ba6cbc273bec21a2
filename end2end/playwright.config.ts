import { defineConfig } from "@playwright/test";
import { adminEmail, adminPassword } from "./accounts";

// Runs against the server binary (debug from scripts/test, release by hand), on its own
// port and a fresh data folder, in Debian's chromium (no browser download).
const port = 3107;
// scripts/test runs the debug binary its integration tests built; by hand, the release one.
const binary = process.env.CANDOUR_BIN ?? "target/release/candour";
const dataDir = `/tmp/candour-e2e-${process.pid}`;

export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    // One administrator account for the tests that sign in (see tests/accounts.spec.ts).
    command:
      `rm -rf ${dataDir} && ` +
      `echo '${adminPassword}' | ${binary} user create-admin --email ${adminEmail} --name 'Alex Admin' && ` +
      `${binary} serve`,
    cwd: "..",
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      CANDOUR_ADDR: `127.0.0.1:${port}`,
      CANDOUR_DATA_DIR: dataDir,
      CANDOUR_PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
  },
});
