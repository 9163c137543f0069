// @ts-check
// The server this build of the extension is for (setup offers it first). scripts/build-extension.sh
// writes META_SECRET_SERVER here when it is set; the default is the local demo's.
export const BUILT_IN_SERVER = "http://127.0.0.1:8787";
