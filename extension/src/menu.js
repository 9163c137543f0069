// @ts-check
// The context menu's "Fill a generated password" on a page's editable field. The menu is the
// browser's own (a page can neither draw nor click it), and its click grants activeTab for that
// tab, so it works on any site. The password goes into the top frame's new-password fields through
// fill's visibility checks (never a frame), then waits in the service worker's memory as the tab's
// offer: the popup saves it with the username the form then sends, or one typed in the popup.
import { generatePassword } from "./generator.js";
import { fillTab } from "./inject.js";
import { originOf } from "./logins.js";
import * as offers from "./offers.js";

const MENU_ID = "generate-password";

/** Creates the menu item (menus outlive the worker: once per install or update). */
export function install() {
  chrome.contextMenus.removeAll(() => {
    chrome.contextMenus.create({
      id: MENU_ID,
      title: "Fill a generated password",
      contexts: ["editable"],
      documentUrlPatterns: ["http://*/*", "https://*/*"],
    });
  });
}

/** @param {string} message */
function tell(message) {
  return chrome.notifications.create(`generated/${Date.now()}`, {
    type: "basic", iconUrl: "icons/icon-128.png", title: "meta-secret: nothing filled", message,
  });
}

/** @param {chrome.contextMenus.OnClickData} info @param {chrome.tabs.Tab | undefined} tab */
export async function clicked(info, tab) {
  if (info.menuItemId !== MENU_ID) return;
  const origin = tab?.url ? originOf(tab.url) : null;
  if (!tab?.id || !origin) return void (await tell("Only the form of an http(s) page gets a generated password."));
  if (info.frameId) return void (await tell("A generated password goes only into the page's own form, never into a frame."));
  const password = generatePassword({ length: 20 });
  const answer = await fillTab(tab.id, origin, "", password, "new").catch((error) => String(error?.message ?? error));
  if (answer !== "filled") return void (await tell(`Nothing was filled: ${answer}.`));
  // Kept for the popup's Save (the person names the username there, or the form sends it).
  offers.remember(tab.id, { origin, username: "", password });
}
