// Mistakes the types must catch: each line below is an error, and `@ts-expect-error` makes tsc
// fail if it is not.
import { MetaSecret, type ClaimId, type DeviceId, type SecretId } from "meta-secret";

export async function misuse(device: MetaSecret, secretId: SecretId, claimId: ClaimId, deviceId: DeviceId) {
  // @ts-expect-error a secret id is not a claim id
  await device.approve(secretId);
  // @ts-expect-error a claim id is not a device id
  await device.accept(claimId);
  // @ts-expect-error a device id is not a secret id
  await device.requestRecovery(deviceId);
  // @ts-expect-error a plain string is not an id
  await device.revealText("claim-1");
  // @ts-expect-error the threshold is a number
  await device.addSecret("x", "y", { threshold: "2" });
  // @ts-expect-error the kdf option is a function answering bytes
  await MetaSecret.open({ serverUrl: "u", dbName: "d", deviceName: "n", passphrase: "p", kdf: async () => "sealed" });
  // @ts-expect-error vaultExists takes the server and the vault name
  await MetaSecret.vaultExists("family");
  // @ts-expect-error options are checked, unknown keys included
  await MetaSecret.open({ serverUrl: "u", dbName: "d", deviceName: "n", passphrase: "p", typo: 1 });
  // @ts-expect-error a level's k is a number
  await device.openLevel("2");
  // @ts-expect-error a level has no threshold field (its k is `k`)
  (await device.levels())[0]?.threshold;
  // @ts-expect-error the quorum is a number
  await device.setQuorum("3");
  // @ts-expect-error a kit's label is a string
  await device.addRecoveryKit(3);
  // @ts-expect-error a kit needs its words
  await MetaSecret.openRecoveryKit({ serverUrl: "u", vault: "v" });
  // @ts-expect-error kit options are checked, unknown keys included
  await MetaSecret.openRecoveryKit({ serverUrl: "u", words: "w", seed: "s" });
  const kit = await device.addRecoveryKit("Kit in the safe");
  // @ts-expect-error a kit's id is a device id, not a secret id
  await device.deleteSecret(kit.id);
  await device.removeDevice(kit.id);
}
