// The console's only script besides htmx (the CSP forbids inline script and eval).
// <form data-reset-on-success>: cleared once its htmx request succeeded (the web chat's message box).
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.hasAttribute("data-reset-on-success") && event.detail.successful) form.reset();
});
// A refused upload (507: data_dir too full) answers with the list and the reason: show it, like a 200.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 507 && (event.detail.xhr.getResponseHeader("content-type") ?? "").startsWith("text/html")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
