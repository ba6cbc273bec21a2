// Candour's island loader, and the small behaviours every page may use (unsaved-changes
// warning, copy buttons, Show password). Pages without an interactive island download no
// JavaScript beyond this file and no WebAssembly at all; pages with one load the wasm bundle and
// hydrate each <leptos-island> in document order (as Leptos's own loader does).
// Forms marked data-unsaved-warning (the report editor, a recommendation's response): the
// browser asks before leaving a page whose changes were not saved. (A module script runs
// after the document is parsed, so the forms are there.)
for (const form of document.querySelectorAll("form[data-unsaved-warning]")) {
  let unsaved = false;
  form.addEventListener("input", () => {
    unsaved = true;
  });
  form.addEventListener("submit", () => {
    unsaved = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}

// The NHS.UK character count: a box with data-maxlength says under it how many characters
// are left as the person types (the limit is stated there without JavaScript too), and
// tells screen readers once typing pauses. Characters are counted as the server counts
// them (code points, line ends as one).
for (const box of document.querySelectorAll("textarea[data-maxlength]")) {
  const max = Number(box.dataset.maxlength);
  const info = document.getElementById(`${box.id}-info`);
  if (!info || !max) continue;
  const status = document.createElement("div");
  status.className = "nhsuk-u-visually-hidden";
  status.setAttribute("aria-live", "polite");
  info.after(status);
  const count = (n) => `${n.toLocaleString("en-GB")} character${n === 1 ? "" : "s"}`;
  let timer;
  const update = (announce) => {
    const left = max - [...box.value].length;
    const message = left >= 0 ? `You have ${count(left)} remaining` : `You have ${count(-left)} too many`;
    info.textContent = message;
    info.classList.toggle("nhsuk-error-message", left < 0);
    info.classList.toggle("nhsuk-hint", left >= 0);
    clearTimeout(timer);
    if (announce) timer = setTimeout(() => (status.textContent = message), 1000);
  };
  box.addEventListener("input", () => update(true));
  if (box.value) update(false);
}

// A second press of a form's button while the first is on its way is ignored (NHS.UK's
// "prevent double click" behaviour): an edit sent twice would otherwise come back as
// "someone else saved this" about the person's own save. After 2 seconds a press goes
// through again, so a retry after a lost reply still works; without JavaScript, forms
// that create something carry a one-time key instead.
for (const form of document.querySelectorAll('form[method="post"]')) {
  let sentAt = 0;
  form.addEventListener("submit", (event) => {
    const now = Date.now();
    if (now - sentAt < 2000) {
      event.preventDefault();
      return;
    }
    sentAt = now;
  });
}

// Copy buttons for text on the page (a one-time link's message): shown only when
// JavaScript can copy; the status line says what happened.
for (const button of document.querySelectorAll("button[data-copy-from]")) {
  const source = document.getElementById(button.dataset.copyFrom);
  const status = document.querySelector(`[data-copy-status="${button.dataset.copyFrom}"]`);
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value ?? source.textContent);
      if (status) status.textContent = "Copied. Paste it into an email to the person.";
    } catch {
      source.focus();
      source.select();
      if (status) status.textContent = "Your browser did not let us copy it: it is selected, so press Ctrl+C (or Cmd+C).";
    }
  });
}

// "Copy link to this page" (the register): copies the address, filters and all.
for (const box of document.querySelectorAll("[data-copy-page]")) {
  const button = box.querySelector("button");
  const status = box.querySelector('[role="status"]');
  if (!button || !navigator.clipboard) continue;
  box.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      status.textContent = "Link copied. You can paste it into an email or message.";
    } catch {
      status.textContent = "Your browser did not let us copy the link. Copy it from the address bar.";
    }
  });
}

// Search as you type (the search page): after a pause in the typing, the same page is
// fetched for the new words and its results put in place of these. The address follows
// (replaceState: one search is one history entry), the filter disclosure stays as the
// person left it, and the status line reads out the new count. Answers that arrive after a
// newer search has started are dropped. Without JavaScript the form submits as usual.
for (const form of document.querySelectorAll("form[data-live-search]")) {
  const input = form.querySelector('input[name="q"]');
  const results = form.querySelector("[data-live-results]");
  const announcer = form.querySelector('[role="status"]');
  if (!input || !results) continue;
  let latest = 0;
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const mine = ++latest;
    timer = setTimeout(async () => {
      const params = new URLSearchParams(new FormData(form));
      params.delete("page");
      for (const [key, value] of [...params]) if (value === "") params.delete(key);
      const address = `${form.action}?${params}`;
      try {
        const response = await fetch(address, { headers: { Accept: "text/html" } });
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.querySelector("[data-live-results]");
        if (mine !== latest || !fresh) return;
        const wasOpen = results.querySelector("details")?.open ?? false;
        results.replaceChildren(...fresh.childNodes);
        const details = results.querySelector("details");
        if (details) details.open = wasOpen;
        history.replaceState(null, "", address);
        const count = results.querySelector("[data-test=search-count]");
        if (announcer && count) announcer.textContent = count.textContent;
      } catch {
        // Offline or refused: the results stay; pressing Search still works.
      }
    }, 300);
  });
}

// "Show password" beside each password box (the GOV.UK password input pattern): only where
// JavaScript runs; without it the box stays a password box. The box goes back to hidden
// before the form is sent, so a browser never stores it as plain text.
for (const input of document.querySelectorAll('input[type="password"]')) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small candour-show-password";
  if (input.id) button.setAttribute("aria-controls", input.id);
  const status = document.createElement("span");
  status.className = "nhsuk-u-visually-hidden";
  status.setAttribute("aria-live", "polite");
  const show = (visible) => {
    input.type = visible ? "text" : "password";
    button.innerHTML = `${visible ? "Hide" : "Show"}<span class="nhsuk-u-visually-hidden"> password</span>`;
  };
  show(false);
  button.addEventListener("click", () => {
    const visible = input.type === "password";
    show(visible);
    status.textContent = visible ? "Your password is visible" : "Your password is hidden";
  });
  input.form?.addEventListener("submit", () => show(false));
  input.insertAdjacentElement("afterend", status);
  input.insertAdjacentElement("afterend", button);
}

// A page shown again with mistakes: focus moves to the error summary, so keyboard and
// screen reader users start at the list of what to fix (the NHS.UK error summary pattern).
{
  const summary = document.querySelector(".nhsuk-error-summary");
  if (summary) {
    summary.focus();
  }
}

(() => {
  // Without an island, everything this page runs has run: no WebAssembly is fetched.
  if (!document.querySelector("leptos-island")) {
    document.documentElement.dataset.hydrated = "true";
    return;
  }
  const childrenCallbacks = [];

  async function hydrateIsland(el, id, mod) {
    const islandFn = mod[id];
    if (!islandFn) {
      console.warn(`No wasm function for the island ${id}.`);
      return;
    }
    const childrenCallback = childrenCallbacks[childrenCallbacks.length - 1];
    if (childrenCallback) childrenCallback();
    const result = islandFn(el);
    if (result && result.then) await result;
  }

  async function traverse(node, mod) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.tagName.toLowerCase();
    if (tag === "leptos-island") {
      await hydrateIsland(node, node.dataset.component || null, mod);
      for (const child of node.children) await traverse(child, mod);
    } else if (tag === "leptos-children") {
      childrenCallbacks.push(node.$$on_hydrate);
      for (const child of node.children) await traverse(child, mod);
      childrenCallbacks.pop();
    } else {
      for (const child of node.children) await traverse(child, mod);
    }
  }

  import("/pkg/candour.js").then(async (mod) => {
    await mod.default({ module_or_path: "/pkg/candour.wasm" });
    mod.hydrate();
    window.__hydrateIsland = (el, id) => hydrateIsland(el, id, mod);
    await traverse(document.body, mod);
    document.documentElement.dataset.hydrated = "true";
  });
})();
