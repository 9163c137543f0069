// @ts-check
// Runs in the page's top frame, injected by the service worker on a person's action (the popup's
// button or the shortcut), never on load. It checks the origin again, and fills only a visible
// password field and the username field of the same form, and never a form that sends elsewhere.

/** The top frame's origin, probed before any secret is sent to the page. */
export function probeOrigin() {
  return window.top === window ? location.origin : "";
}

/** @param {string} origin @param {string} username @param {string} password @returns {string} */
export function fillLogin(origin, username, password) {
  if (window.top !== window || location.origin !== origin) return "wrong origin";
  /** @param {HTMLInputElement} input */
  const shown = (input) => {
    const box = input.getBoundingClientRect();
    const style = getComputedStyle(input);
    return !input.disabled && !input.readOnly && box.width >= 4 && box.height >= 4 &&
      style.visibility === "visible" && style.display !== "none" && Number(style.opacity) > 0.1;
  };
  const passwordField = [...document.querySelectorAll("input[type=password]")]
    .map((node) => /** @type {HTMLInputElement} */ (node)).find(shown);
  if (!passwordField) return "no password field";
  const form = passwordField.form;
  if (form) {
    const target = new URL(form.getAttribute("action") || location.href, location.href);
    if (target.origin !== location.origin) return "the form sends to another site";
  }
  const scope = form ? [...form.elements] : [...document.querySelectorAll("input")];
  const inputs = scope.filter((node) => node instanceof HTMLInputElement).map((node) => /** @type {HTMLInputElement} */ (node));
  const candidates = inputs.slice(0, inputs.indexOf(passwordField)).reverse()
    .filter((input) => ["text", "email", "tel", ""].includes(input.type) && shown(input));
  const userField = candidates.find((input) => input.autocomplete === "username") ?? candidates[0];
  /** @param {HTMLInputElement} input @param {string} value */
  const set = (input, value) => {
    input.focus();
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  };
  if (userField) set(userField, username);
  set(passwordField, password);
  return "filled";
}
