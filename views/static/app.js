// The console's only script besides htmx (the CSP forbids inline script and eval).
// <form data-reset-on-success>: cleared once its htmx request succeeded (the web chat's message box).
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.hasAttribute("data-reset-on-success") && event.detail.successful) form.reset();
});
