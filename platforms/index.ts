// The explicit, ordered list of platforms; nothing registers itself by being imported.
import { inputError } from "../harness/errors.ts";
import { choicesHint } from "../harness/util/suggest.ts";
import { gcpPlatform } from "./gcp/index.ts";
import { hyperkitPlatform } from "./hyperkit/index.ts";
import { qemuPlatform } from "./qemu/index.ts";
import { remotePlatform } from "./remote/index.ts";
import type { Platform } from "./types.ts";

/** Every platform the harness can run cells on, in the order `doctor` shows them. */
export const PLATFORMS: readonly Platform[] = [
  qemuPlatform,
  hyperkitPlatform,
  remotePlatform,
  gcpPlatform,
];

/** The platform called `name`; an unknown name is a bad-input error listing the choices. */
export function findPlatform(name: string, flag = "--platform"): Platform {
  const platform = PLATFORMS.find((p) => p.name === name);
  if (!platform) {
    throw inputError("EPLATFORM", `unknown platform ${JSON.stringify(name)} in ${flag}`, {
      hint: choicesHint(
        name,
        PLATFORMS.map((p) => p.name),
      ),
    });
  }
  return platform;
}
