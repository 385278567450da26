// The console inbox's keyboard shortcuts (loaded only by the inbox pages; no inline script under the CSP).
// An element with data-key="x" is what key x does: a form is submitted, a field focused, a link followed.
// In a [data-key-list] list, j / k move between its links and Enter opens the current one; the list is
// re-rendered by htmx polling, so the current link is remembered by its address and found again.
// `?` opens the help dialog (#inbox-keys); Escape closes it (the dialog's own behaviour).
(() => {
  let current = null; // the href of the list's current link
  const links = () => [...document.querySelectorAll("[data-key-list] a[href]")];
  const typing = (el) => el instanceof HTMLElement && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

  function mark(link) {
    for (const a of links()) a.closest("li")?.removeAttribute("data-current");
    if (!link) return;
    current = link.getAttribute("href");
    link.closest("li")?.setAttribute("data-current", "");
    link.focus();
  }
  function move(step) {
    const all = links();
    if (!all.length) return;
    const at = all.findIndex((a) => a.getAttribute("href") === current);
    mark(all[at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, at + step))]);
  }
  function act(el) {
    if (el instanceof HTMLFormElement) el.requestSubmit();
    else if (typing(el)) el.focus();
    else el.click();
  }
  function help() {
    const dialog = document.getElementById("inbox-keys");
    if (dialog instanceof HTMLDialogElement && !dialog.open) dialog.showModal();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target) || document.querySelector("dialog[open]")) return;
    const key = event.key;
    if (key === "?") help();
    else if (key === "j" || key === "k") move(key === "j" ? 1 : -1);
    else if (key === "Enter" && current && !(event.target instanceof HTMLAnchorElement || event.target instanceof HTMLButtonElement)) {
      const link = links().find((a) => a.getAttribute("href") === current);
      if (!link) return;
      link.click();
    } else {
      const el = document.querySelector(`[data-key="${CSS.escape(key)}"]`);
      if (!el) return;
      act(el);
    }
    event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-key-help]")) help();
  });
  // The polled list was swapped: mark the current link again (and keep the focus on it if it had it).
  document.addEventListener("htmx:afterSwap", () => {
    const link = current && links().find((a) => a.getAttribute("href") === current);
    if (!link) return;
    const focused = document.activeElement === document.body;
    link.closest("li")?.setAttribute("data-current", "");
    if (focused) link.focus();
  });
})();
