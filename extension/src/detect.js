// @ts-check
// Content script (top frame of pages the extension may read): notices a login form being sent
// and tells the service worker what was typed, so the popup can offer to save it or to update the
// stored password. It shows nothing in the page (a page can restyle or script anything it holds)
// and fills nothing; the worker trusts the origin the browser names as the sender, not the page.
{
  /** The password and username a form is about to send, or null when it holds no password.
   * @param {ParentNode} scope */
  const typedLogin = (scope) => {
    const passwords = [...scope.querySelectorAll("input[type=password]")]
      .map((node) => /** @type {HTMLInputElement} */ (node))
      .filter((input) => input.value);
    if (!passwords.length) return null;
    // A sign-up or change-password form: the new password, not the current one.
    const fresh = passwords.find((input) => input.autocomplete === "new-password");
    const password = fresh ?? (passwords.length >= 2 ? passwords[1] : passwords[0]);
    const inputs = [...scope.querySelectorAll("input")].map((node) => /** @type {HTMLInputElement} */ (node));
    const before = inputs.slice(0, inputs.indexOf(passwords[0])).reverse()
      .filter((input) => ["text", "email", "tel", ""].includes(input.type) && input.value.trim());
    const user = before.find((input) => input.autocomplete === "username") ?? before[0];
    return { username: user?.value.trim() ?? "", password: password.value };
  };

  let lastSent = "";
  /** @param {ParentNode | null} scope */
  const report = (scope) => {
    const login = scope && typedLogin(scope);
    if (!login?.username) return;
    const key = `${login.username}\n${login.password}`;
    if (key === lastSent) return; // a click and the submit it causes are one report
    lastSent = key;
    chrome.runtime.sendMessage({ type: "submitted", username: login.username, password: login.password }).catch(() => {});
  };

  // A form's submit; and for pages that sign in by script (no submit event), a click on a button
  // or Enter in a password field.
  addEventListener("submit", (event) => report(/** @type {HTMLFormElement} */ (event.target)), true);
  addEventListener("click", (event) => {
    const button = /** @type {Element} */ (event.target).closest?.("button, input[type=submit], [role=button]");
    if (button) report(button.closest("form") ?? document);
  }, true);
  addEventListener("keydown", (event) => {
    const target = /** @type {HTMLInputElement} */ (event.target);
    if (event.key === "Enter" && target instanceof HTMLInputElement) report(target.form ?? document);
  }, true);
}
