// @ts-check
// The offscreen document that does clipboard work for the service worker (MV3 workers have no
// DOM). A copied password is cleared after 30 s, unless something else was copied since.
const CLEAR_AFTER_MS = 30_000;
const area = /** @type {HTMLTextAreaElement} */ (document.getElementById("clip"));
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;

/** @param {string} text */
function write(text) {
  area.value = text;
  area.select();
  const done = document.execCommand("copy");
  area.value = "";
  return done;
}

function read() {
  area.value = "";
  area.select();
  document.execCommand("paste");
  const text = area.value;
  area.value = "";
  return text;
}

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  if (message?.target !== "offscreen" || sender.id !== chrome.runtime.id) return false;
  if (message.type === "copy") {
    const text = String(message.text);
    clearTimeout(timer);
    const copied = write(text);
    timer = setTimeout(() => {
      if (read() === text) write(" ");
    }, Number(message.clearAfterMs) || CLEAR_AFTER_MS);
    reply({ ok: copied });
  }
  return false;
});
