// Architecture names: x86_64 and aarch64, with amd64 and arm64 accepted as aliases.
import { ARCHES, type Arch } from "../arch.ts";
import { inputError } from "../errors.ts";
import { choicesHint } from "../util/suggest.ts";

const ALIASES: Record<string, Arch> = {
  x86_64: "x86_64",
  amd64: "x86_64",
  aarch64: "aarch64",
  arm64: "aarch64",
};

/** The arch for a name or alias; unknown names are a bad-input error naming the flag. */
export function parseArch(value: string, flag = "--arch"): Arch {
  const arch = ALIASES[value.toLowerCase()];
  if (!arch) {
    throw inputError("EARCH", `unknown architecture ${JSON.stringify(value)} in ${flag}`, {
      hint: choicesHint(value, [...ARCHES]),
    });
  }
  return arch;
}
