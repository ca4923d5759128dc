// One string order for everything the harness sorts: by UTF-16 code units, as Go's sort (and so
// rtf and LinuxKit) orders names. Unlike localeCompare it is the same under every locale, so
// sorted output is reproducible, and it skips ICU's collator, whose first use costs ~8 ms.

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
