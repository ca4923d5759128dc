// One TAP point for an image that reports a single verdict, with the console tail when it failed.

/** A one-test TAP stream: `name` passed, or failed with `message` and the console's last lines. */
export function verdictTap(
  name: string,
  failure?: { message: string; consoleTail: string },
): string {
  const title = name.replace(/\\/g, "\\\\").replace(/#/g, "\\#");
  if (!failure) return `TAP version 13\n1..1\nok 1 - ${title}\n`;
  const tail = failure.consoleTail
    .split("\n")
    .map((line) => `    ${line.replace(/[^\t\x20-\x7e\u00a0-\uffff]/g, "?")}`)
    .join("\n");
  return [
    "TAP version 13",
    "1..1",
    `not ok 1 - ${title}`,
    "  ---",
    `  message: ${JSON.stringify(failure.message)}`,
    "  console_tail: |-",
    tail,
    "  ...",
    "",
  ].join("\n");
}
