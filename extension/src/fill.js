// @ts-check
// Runs in the page's top frame, injected by the service worker on a person's action (the popup's
// button or the shortcut), never on load. It checks the origin again (the tab may have navigated)
// and fills the first visible password field and the text field before it.

/** @param {string} origin @param {string} username @param {string} password @returns {string} */
export function fillLogin(origin, username, password) {
  if (window.top !== window || location.origin !== origin) return "wrong origin";
  const visible = (/** @type {HTMLElement} */ node) => node.offsetParent !== null || node.getClientRects().length > 0;
  const fields = [...document.querySelectorAll("input")].filter((input) => !input.disabled && visible(input));
  const passwordField = fields.find((input) => input.type === "password");
  if (!passwordField) return "no password field";
  const before = fields.slice(0, fields.indexOf(passwordField)).reverse();
  const userField = before.find((input) => ["text", "email", "tel", ""].includes(input.type));
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
