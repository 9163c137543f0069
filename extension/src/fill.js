// @ts-check
// Runs in the page's top frame, injected by the service worker on a person's action (the popup's
// button or the shortcut), never on load. `executeScript` sends a function's source, so
// `fillLogin` keeps every helper inside itself.
//
// A page at the login's origin can still try to have a password filled where a person does not
// see it (and read it from script), or into a form that posts elsewhere. So a field is filled
// only when a person can see it: inside the viewport and the clip boxes of its ancestors, at
// least MIN_WIDTH × MIN_HEIGHT of it visible, not transparent (opacity of the field and every
// ancestor, clip-path, masks, filters, a transparent text colour), and not covered at its
// centre and four inner points by anything that paints (an opaque box, an image, a frame), even
// when the cover lets clicks through (pointer-events: none). The service worker injects a
// user-origin style that turns pointer events back on for the hit test (`HIT_TEST_CSS`): a page's
// own `!important`, even inline, cannot beat it. The field's form and every submit button in it
// must post to the page's own origin.

/** Turns pointer events on everywhere while the fill's hit test runs (user origin, so it beats
 *  the page's !important): a cover that lets clicks through still hides the field. */
export const HIT_TEST_CSS = "*, *::before, *::after { pointer-events: auto !important; }";

/** The top frame's origin, probed before any secret is sent to the page. */
export function probeOrigin() {
  return window.top === window ? location.origin : "";
}

/** `mode` "login" fills a sign-in form (username and password); "new" fills a new password (a
 *  sign-up or change-password form: every visible new-password field, so its confirmation too).
 * @param {string} origin @param {string} username @param {string} password @param {"login" | "new"} [mode]
 * @returns {string} */
export function fillLogin(origin, username, password, mode = "login") {
  if (window.top !== window || location.origin !== origin) return "wrong origin";
  const MIN_WIDTH = 24; // px: an honest field is wider than a word; the trick used 4
  const MIN_HEIGHT = 10;
  const MIN_OPACITY = 0.5;

  /** Parses `rgb(a)` colours; anything else (a named or modern colour) counts as painting.
   * @param {string} colour */
  const alpha = (colour) => {
    if (colour === "transparent") return 0;
    const match = /^rgba?\(([^)]*)\)$/.exec(colour);
    if (!match) return 1;
    const parts = match[1].split(/[\s,/]+/).filter(Boolean);
    return parts.length < 4 ? 1 : parts[3].endsWith("%") ? parseFloat(parts[3]) / 100 : parseFloat(parts[3]);
  };
  /** How opaque an element's own filter leaves it (`opacity(…)` only; other filters keep it).
   * @param {CSSStyleDeclaration} style */
  const filterOpacity = (style) => {
    let result = 1;
    for (const match of style.filter.matchAll(/opacity\(([\d.]+)(%?)\)/g)) {
      result *= match[2] ? parseFloat(match[1]) / 100 : parseFloat(match[1]);
    }
    return result;
  };
  /** Does this box paint over what lies under it? @param {CSSStyleDeclaration} style */
  const paints = (style) =>
    alpha(style.backgroundColor) > 0.1 || style.backgroundImage !== "none" || style.borderImageSource !== "none";
  const REPLACED = new Set(["IMG", "VIDEO", "CANVAS", "IFRAME", "EMBED", "OBJECT", "svg", "PICTURE"]);

  /** Why a person would not see `input`, or "" when they would. @param {HTMLInputElement} input */
  const hidden = (input) => {
    if (input.disabled || input.readOnly) return "disabled";
    if (!input.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true, contentVisibilityAuto: true })) return "not rendered";
    const own = getComputedStyle(input);
    if (own.visibility !== "visible") return "visibility";
    // What is typed must show: text in a transparent colour hides the field's content. (A field
    // without a background or border of its own is common, drawn by its wrapper, so that alone
    // does not count.)
    if (alpha(own.color) <= 0.1 || alpha(own.getPropertyValue("-webkit-text-fill-color") || own.color) <= 0.1) return "transparent field";
    // The visible part: the box cut by the viewport and by every ancestor that clips.
    const box = input.getBoundingClientRect();
    let [left, top, right, bottom] = [box.left, box.top, box.right, box.bottom];
    [left, top] = [Math.max(left, 0), Math.max(top, 0)];
    [right, bottom] = [Math.min(right, innerWidth), Math.min(bottom, innerHeight)];
    let opacity = 1;
    for (let node = /** @type {Element | null} */ (input); node; node = node.parentElement) {
      const style = getComputedStyle(node);
      opacity *= Number(style.opacity) * filterOpacity(style);
      if (style.clipPath !== "none" || (style.maskImage || "none") !== "none") return "clipped";
      if (node !== input && style.overflow !== "visible") {
        const clip = node.getBoundingClientRect();
        [left, top] = [Math.max(left, clip.left), Math.max(top, clip.top)];
        [right, bottom] = [Math.min(right, clip.right), Math.min(bottom, clip.bottom)];
      }
    }
    if (opacity < MIN_OPACITY) return "transparent";
    if (right - left < MIN_WIDTH || bottom - top < MIN_HEIGHT) return "too small or off-screen";
    // Hit tests at the centre and four inner points of the visible part: whatever paints above
    // the field there covers it. Pointer events are on for every element meanwhile (HIT_TEST_CSS).
    const [width, height] = [right - left, bottom - top];
    for (const [fx, fy] of [[0.5, 0.5], [0.2, 0.3], [0.8, 0.3], [0.2, 0.7], [0.8, 0.7]]) {
      const stack = document.elementsFromPoint(left + width * fx, top + height * fy);
      const at = stack.indexOf(input);
      if (at < 0) return "covered";
      for (const above of stack.slice(0, at)) {
        if (REPLACED.has(above.tagName) || above.tagName === "INPUT") return "covered";
        const style = getComputedStyle(above);
        if (paints(style) && Number(style.opacity) > 0.1) return "covered";
        // A pseudo-element paints for its element (an ancestor's ::after over the field).
        for (const pseudo of ["::before", "::after"]) {
          const part = getComputedStyle(above, pseudo);
          if (part.content !== "none" && part.content !== "normal" && paints(part)) return "covered";
        }
      }
    }
    return "";
  };

  /** A form posts where its action says, or where a submit button's formaction says. */
  /** @param {HTMLFormElement} form */
  const postsElsewhere = (form) => {
    const targets = [form.getAttribute("action") || location.href];
    for (const control of form.elements) {
      if ((control instanceof HTMLButtonElement && control.type === "submit") ||
        (control instanceof HTMLInputElement && (control.type === "submit" || control.type === "image"))) {
        const action = control.getAttribute("formaction");
        if (action !== null) targets.push(action || location.href);
      }
    }
    return targets.some((target) => {
      try {
        return new URL(target, location.href).origin !== location.origin;
      } catch {
        return true;
      }
    });
  };

  let passwords = [...document.querySelectorAll("input[type=password]")].map((node) => /** @type {HTMLInputElement} */ (node));
  const fresh = passwords.filter((input) => input.autocomplete === "new-password");
  if (mode === "new" && fresh.length) passwords = fresh;
  if (!passwords.length) return "no password field";
  const reasons = passwords.map(hidden);
  const passwordField = passwords.find((_, i) => !reasons[i]);
  if (!passwordField) return `no password field a person can see (${reasons.join(", ")})`;
  const form = passwordField.form;
  if (form && postsElsewhere(form)) return "the form sends to another site";
  const scope = form ? [...form.elements] : [...document.querySelectorAll("input")];
  const inputs = scope.filter((node) => node instanceof HTMLInputElement).map((node) => /** @type {HTMLInputElement} */ (node));
  const candidates = inputs.slice(0, inputs.indexOf(passwordField)).reverse()
    .filter((input) => ["text", "email", "tel", ""].includes(input.type) && !hidden(input));
  const userField = candidates.find((input) => input.autocomplete === "username") ?? candidates[0];
  /** @param {HTMLInputElement} input @param {string} value */
  const set = (input, value) => {
    input.focus();
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  };
  if (mode === "new") {
    // The new password and its confirmation: the shown password fields of the same form.
    const others = passwords.filter((input, i) => input !== passwordField && !reasons[i] && input.form === form);
    for (const input of [passwordField, ...others.slice(0, 1)]) set(input, password);
    return "filled";
  }
  if (userField) set(userField, username);
  set(passwordField, password);
  return "filled";
}
