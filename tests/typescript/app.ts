// A strict TypeScript app using the package the way its README does. `npm test` type-checks it
// (tsc, skipLibCheck: false) on lib ES2022 and on ESNext.
import init, {
  MetaSecret,
  runKeyWork,
  type KeyWork,
  type KeyWorkRequest,
  type ClaimId,
  type DeviceId,
  type ErrorCode,
  type Level,
  type LiveEvent,
  MetaSecretError,
  type Secret,
  type VaultView,
} from "meta-secret";

export async function twoStepFlow(serverUrl: string): Promise<string> {
  await init();
  const device = await MetaSecret.open({ serverUrl, dbName: "laptop", deviceName: "laptop", passphrase: "pw" });
  await device.createVault("family");
  const secret: Secret = await device.addSecret("bank", "correct horse", { threshold: 1 });
  const levels: Level[] = await device.levels();
  const level: Level = await device.openLevel(secret.k);
  const ready: boolean = level.ready && !level.inProgress;
  console.log(ready, `needs ${level.k} of ${level.n} devices`, levels.map((l) => l.secrets));
  const claim: ClaimId = await device.requestRecovery(secret.id);
  const view: VaultView = await device.view();
  const first: DeviceId | undefined = view.members[0]?.id;
  if (first !== undefined && first !== device.device.id) {
    await device.accept(first);
  }
  try {
    await device.approve(claim);
  } catch (error) {
    if (!(error instanceof MetaSecretError)) throw error;
    const code: ErrorCode = error.code;
    console.log(code);
  }
  const subscription = device.subscribe((event: LiveEvent) => console.log(event.type));
  subscription.unsubscribe();
  const text = await device.revealText(claim);
  await device.close();
  return text;
}

/** The `kdf` option: the passphrase work wherever the caller runs `runKeyWork`; `vaultExists`
 *  before any key work. */
export async function keyWorkElsewhere(serverUrl: string): Promise<boolean> {
  await init();
  const kdf: KeyWork = async (request: KeyWorkRequest) => runKeyWork(request);
  if (!(await MetaSecret.vaultExists(serverUrl, "family"))) return false;
  const device = await MetaSecret.open({ serverUrl, dbName: "laptop", deviceName: "laptop", passphrase: "pw", kdf });
  await device.close();
  return true;
}
