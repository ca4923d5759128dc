// The console driver: unmodified LinuxKit-style images, without the harness init's banner or
// results channel; the verdict comes from console markers, TAP after a marker, or the exit status.
import { readConsoleResults } from "./case-options.ts";
import type { ConsoleResults } from "./types.ts";
import type { Driver, DriverSession } from "../types.ts";
import { exitStatusSession } from "./exit-status.ts";
import { markersSession } from "./markers.ts";
import { tapAfterSession } from "./tap-after.ts";

/** `driver: console` with `results:` saying how to read the verdict. */
export const consoleDriver: Driver = {
  name: "console",
  summary:
    "an unmodified image's verdict from console markers, TAP after a marker, or its exit status",
  readCase: readConsoleResults,
  session: (testCase) =>
    sessionFor((testCase.driverOptions as ConsoleResults | undefined) ?? { kind: "exit-status" }),
};

function sessionFor(results: ConsoleResults): DriverSession {
  switch (results.kind) {
    case "markers":
      return markersSession(results.passed, results.failed);
    case "tap-after":
      return tapAfterSession(results.start);
    case "exit-status":
      return exitStatusSession();
  }
}
