// The explicit list of drivers; nothing registers itself by being imported.
import { inputError } from "../errors.ts";
import { choicesHint } from "../util/suggest.ts";
import { consoleDriver } from "./console/index.ts";
import { serialDriver } from "./serial/index.ts";
import { sshDriver } from "./ssh/driver.ts";
import type { Driver } from "./types.ts";

/** Every driver an image case can name in case.yml. */
export const DRIVERS: readonly Driver[] = [serialDriver, sshDriver, consoleDriver];

/** The driver called `name`; an unknown name is a bad-input error listing the choices. */
export function findDriver(name: string): Driver {
  const driver = DRIVERS.find((d) => d.name === name);
  if (!driver)
    throw inputError("EDRIVER", `unknown driver ${JSON.stringify(name)}`, {
      hint: choicesHint(
        name,
        DRIVERS.map((d) => d.name),
      ),
    });
  return driver;
}
