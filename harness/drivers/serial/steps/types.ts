// What the scripted serial driver reads of case.yml: its steps.

/** One step of a scripted serial console: wait for a pattern, or type a line. */
export interface SerialStep {
  /** The TAP test name. */
  name: string;
  /** A regular expression the console output since the previous match must match. */
  expect?: string;
  /** A line typed into the console (a newline is added). */
  send?: string;
  timeoutMs: number;
  /** Where the step is written (case.yml:line), for messages. */
  at: string;
}
