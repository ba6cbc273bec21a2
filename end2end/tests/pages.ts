import { expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** Page objects: the site's shared shell and the register. */
export class Shell {
  constructor(readonly page: Page) {}

  mainNav() {
    return this.page.getByRole("navigation", { name: "Main menu" });
  }

  async goToSection(name: string) {
    await this.mainNav().getByRole("link", { name, exact: true }).click();
  }

  /** Islands hydrate after load: wait until Leptos has run before clicking one. */
  async waitForHydration() {
    await expect(this.page.locator("html[data-hydrated=true]")).toHaveCount(1);
    await expect(this.page.locator("[data-test=copy-link]")).toBeVisible();
  }

  /** Zero axe violations for the WCAG 2.2 A and AA rules. */
  async expectNoAxeViolations() {
    const results = await new AxeBuilder({ page: this.page })
      .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
      .analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
  }
}

export class RegisterPage extends Shell {
  rows() {
    return this.page.locator("[data-test=register-row]");
  }

  resultCount() {
    return this.page.locator("[data-test=result-count]");
  }

  async filterByStatus(label: string) {
    await this.page.getByLabel(label, { exact: true }).check();
    await this.page.locator("[data-test=apply-filters]").click();
  }
}
