// Debian version ordering (deb-version(7)): epoch, then upstream and revision compared part by part,
// where "~" sorts before everything, even the end of the string (so 7.3~rc7 < 7.3).

/** Negative when a sorts before b, positive after, 0 when equal. */
export function compareDebianVersions(a: string, b: string): number {
  const [ea, ua, ra] = split(a);
  const [eb, ub, rb] = split(b);
  return ea - eb || compareParts(ua, ub) || compareParts(ra, rb);
}

function split(version: string): [number, string, string] {
  const colon = version.indexOf(":");
  const epoch = colon > 0 ? Number(version.slice(0, colon)) || 0 : 0;
  const rest = colon > 0 ? version.slice(colon + 1) : version;
  const dash = rest.lastIndexOf("-");
  return dash > 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, ""];
}

function order(char: string | undefined): number {
  if (char === undefined) return 0;
  if (char === "~") return -1;
  if (/[A-Za-z]/.test(char)) return char.charCodeAt(0);
  return char.charCodeAt(0) + 256;
}

function compareParts(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (
      (i < a.length && !/\d/.test(a[i] as string)) ||
      (j < b.length && !/\d/.test(b[j] as string))
    ) {
      const ca = i < a.length && !/\d/.test(a[i] as string) ? a[i] : undefined;
      const cb = j < b.length && !/\d/.test(b[j] as string) ? b[j] : undefined;
      const diff = order(ca) - order(cb);
      if (diff !== 0) return diff;
      if (ca !== undefined) i++;
      if (cb !== undefined) j++;
    }
    const da = /^\d*/.exec(a.slice(i))?.[0] ?? "";
    const db = /^\d*/.exec(b.slice(j))?.[0] ?? "";
    const diff = Number(da || 0) - Number(db || 0);
    if (diff !== 0) return diff;
    i += da.length;
    j += db.length;
  }
  return 0;
}
