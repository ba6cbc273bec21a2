import { readdirSync, readFileSync } from "node:fs";

/** The test SMTP server (scripts/smtp_sink.py), started by playwright.config.ts. */
export const smtpPort = 3108;
export const mailDir = "/tmp/candour-e2e-mail-3107";

/** One email as the SMTP server received it, decoded. */
export interface Email {
  to: string[];
  subject: string;
  headers: Record<string, string>;
  text: string;
  html: string;
}

function received(): Email[] {
  let names: string[] = [];
  try {
    names = readdirSync(mailDir).filter((name) => name.endsWith(".json")).sort();
  } catch {
    return [];
  }
  return names.map((name) => JSON.parse(readFileSync(`${mailDir}/${name}`, "utf8")) as Email);
}

/** The newest email to `address` whose subject contains `subject`, waiting up to 15 s. */
export async function emailTo(address: string, subject: string): Promise<Email> {
  for (let i = 0; i < 150; i++) {
    const found = received()
      .filter((email) => email.to.includes(address) && email.subject.includes(subject))
      .pop();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no email to ${address} about "${subject}" arrived`);
}

/** Everything sent to `address` so far. */
export function emailsTo(address: string): Email[] {
  return received().filter((email) => email.to.includes(address));
}

/** The path of the first link in the email's text that starts with `prefix`. */
export function linkIn(email: Email, prefix: string): string {
  const match = email.text.match(new RegExp(`https?://[^/\\s]+(${prefix}[^\\s>]*)`));
  if (!match) throw new Error(`no link to ${prefix} in:\n${email.text}`);
  return match[1];
}
