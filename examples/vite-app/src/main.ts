// Two devices of one vault on one page: the laptop creates the vault, the phone joins, the laptop
// compares the phone's code and accepts it, then a 2-of-2 secret needs both to be revealed.
import init, { MetaSecret, MetaSecretError, type ClaimId, type PendingDevice } from "meta-secret";

const form = document.querySelector<HTMLFormElement>("#run")!;
const steps = document.querySelector<HTMLOListElement>("#steps")!;
const outcome = document.querySelector<HTMLParagraphElement>("#outcome")!;

function step(text: string): void {
  const item = document.createElement("li");
  item.textContent = text;
  steps.append(item);
}

async function twoDevices(serverUrl: string, vault: string, secretText: string): Promise<string> {
  await init();
  const run = Date.now().toString(36); // fresh databases on every run
  const open = (deviceName: string): Promise<MetaSecret> =>
    MetaSecret.open({ serverUrl, dbName: `${deviceName}-${run}`, deviceName, passphrase: `${deviceName} keys` });

  const laptop = await open("laptop");
  await laptop.createVault(vault);
  step(`laptop created “${vault}”`);

  const phone = await open("phone");
  await phone.requestJoin(vault);
  const code = await phone.verificationCode(vault);
  step(`phone asked to join, showing ${code}`);

  await laptop.sync();
  const asking: PendingDevice | undefined = (await laptop.view()).pending.find((p) => p.verificationCode === code);
  if (asking === undefined) throw new Error("the laptop does not see the phone's request");
  await laptop.accept(asking.id);
  await phone.sync();
  step(`laptop accepted ${asking.name}; the phone is a ${await phone.status(vault)}`);

  const secret = await laptop.addSecret("bank", secretText, { threshold: 2 });
  step(`laptop added “${secret.name}”, ${secret.k} of ${secret.n}`);

  await phone.sync();
  const claimId: ClaimId = await phone.requestRecovery(secret.id);
  await laptop.sync();
  await laptop.approve(claimId);
  step("phone asked to reveal it; the laptop approved");

  const text = await phone.revealText(claimId);
  await Promise.all([laptop.close(), phone.close()]);
  return text;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const field = (name: string): string => String(new FormData(form).get(name) ?? "");
  steps.replaceChildren();
  outcome.textContent = "working…";
  twoDevices(field("server"), field("vault"), field("secret")).then(
    (text) => (outcome.textContent = `revealed: ${text}`),
    (error: unknown) => {
      outcome.textContent =
        error instanceof MetaSecretError ? `failed (${error.code}): ${error.message}` : `failed: ${String(error)}`;
    },
  );
});
