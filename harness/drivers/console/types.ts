// What the console driver reads of case.yml: how an unmodified image tells its verdict.

/** How the console driver reads an unmodified image's verdict. */
export type ConsoleResults =
  | { kind: "markers"; passed: string; failed: string }
  | { kind: "tap-after"; start: string }
  | { kind: "exit-status" };
