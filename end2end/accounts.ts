/** The administrator account the test server is started with (see playwright.config.ts). */
export const adminEmail = "alex.admin@example.org";
export const adminPassword = "harbour lantern thistle";
