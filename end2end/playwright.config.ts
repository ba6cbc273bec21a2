import { defineConfig } from "@playwright/test";
import { adminEmail, adminPassword } from "./accounts";
import { mailDir, smtpPort } from "./mail";

// Runs against the server binary (debug from scripts/test, release by hand), on its own
// port and a fresh data folder, in Debian's chromium (no browser download).
const port = 3107;
// scripts/test runs the debug binary its integration tests built; by hand, the release one.
const binary = process.env.CANDOUR_BIN ?? "target/release/candour";
const dataDir = `/tmp/candour-e2e-${process.pid}`;
// A real SMTP server on loopback (scripts/smtp_sink.py, aiosmtpd): Candour sends to it, and
// the tests read each email from its folder (see mail.ts).

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
  webServer: [
    {
      command:
        `rm -rf ${mailDir} && ` +
        `exec target/pyenv/bin/python scripts/smtp_sink.py --dir ${mailDir} --port ${smtpPort} --forever`,
      cwd: "..",
      port: smtpPort,
      reuseExistingServer: false,
      timeout: 30_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 2_000 },
    },
    {
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
        CANDOUR_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        CANDOUR_MAIL_FROM: "Candour <no-reply@example.org>",
      },
    },
  ],
});
