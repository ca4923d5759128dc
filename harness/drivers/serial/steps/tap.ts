// Scripted console steps as TAP: one point per step, a failing expect with its pattern, deadline,
// where it is written and the console's last lines.
import type { SerialStep } from "./types.ts";
import { formatS } from "./cursor.ts";

/** The TAP header for `count` steps. */
export function stepsHeader(count: number): string {
  return `TAP version 13\n1..${count}\n`;
}

/** A step that did what it says. */
export function stepPassed(number: number, step: SerialStep): string {
  return `ok ${number} - ${tapName(step.name)}\n`;
}

/** A step left undone because an earlier one failed. */
export function stepSkipped(number: number, step: SerialStep, failed: SerialStep): string {
  return `ok ${number} - ${tapName(step.name)} # SKIP step ${JSON.stringify(failed.name)} failed\n`;
}

/** A failed expect: why, the pattern, its deadline, its place in case.yml, the console tail. */
export function stepFailed(
  number: number,
  step: SerialStep,
  why: string,
  consoleTail: string,
): string {
  const tail = consoleTail
    .split("\n")
    .map((line) => `    ${line.replace(/[^\t\x20-\x7e\u00a0-\uffff]/g, "?")}`)
    .join("\n");
  return [
    `not ok ${number} - ${tapName(step.name)}`,
    "  ---",
    `  message: ${JSON.stringify(`${why}: /${step.expect ?? ""}/`)}`,
    `  expected: ${JSON.stringify(`/${step.expect ?? ""}/`)}`,
    `  deadline: ${formatS(step.timeoutMs)}`,
    `  at: ${JSON.stringify(step.at)}`,
    "  console_tail: |-",
    tail,
    "  ...",
    "",
  ].join("\n");
}

// A TAP description ends at a # (a directive); names keep theirs escaped.
function tapName(name: string): string {
  return name.replace(/\\/g, "\\\\").replace(/#/g, "\\#").replace(/\n/g, " ");
}
