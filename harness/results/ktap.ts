// What a kernel console adds before KTAP lines: a log level, a timestamp, a caller id.

// "<6>[    1.234567][    T1] " — each part optional but the timestamp; one blank after it belongs to the prefix.
const KERNEL_PREFIX = /^(?:<\d+>)?\[\s*\d+\.\d+\](?:\[\s*[CT]\d+\])? ?/;

/**
 * A console line without its kernel log prefix, so a KTAP line's own indentation (its nesting) is what
 * remains; lines without the prefix come back unchanged.
 */
export function stripKernelPrefix(line: string): string {
  return line.replace(KERNEL_PREFIX, "");
}
