// Arguments written into a POSIX shell command line, by hand or on a remote host.

/** Quotes an argument for a POSIX shell only when it needs it. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
