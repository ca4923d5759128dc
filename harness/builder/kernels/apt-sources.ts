// The harness's private apt sources: the system's Debian sources plus the release's backports suite.
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

/** One deb822 source stanza. */
export interface AptSource {
  uris: string[];
  suites: string[];
  components: string[];
  signedBy?: string;
  /** false: apt takes the suites even after their Release file's Valid-Until (a frozen mirror). */
  checkValidUntil?: false;
}

/** Reads the host's apt sources (deb822 .sources files and one-line sources.list). */
export async function systemAptSources(etc = "/etc/apt"): Promise<AptSource[]> {
  const sources: AptSource[] = [];
  const parts = join(etc, "sources.list.d");
  for (const file of (await readdir(parts).catch(() => [] as string[])).sort()) {
    if (file.endsWith(".sources"))
      sources.push(...parseDeb822(await readFile(join(parts, file), "utf8")));
    if (file.endsWith(".list"))
      sources.push(...parseOneLine(await readFile(join(parts, file), "utf8")));
  }
  sources.push(...parseOneLine(await readFile(join(etc, "sources.list"), "utf8").catch(() => "")));
  return sources;
}

/** The sources plus `<codename>-backports` beside every source that carries `<codename>`. */
export function withBackports(sources: readonly AptSource[], codename: string): AptSource[] {
  const has = sources.some((s) => s.suites.includes(`${codename}-backports`));
  if (has) return [...sources];
  return sources.map((s) =>
    s.suites.includes(codename) ? { ...s, suites: [...s.suites, `${codename}-backports`] } : s,
  );
}

/** The sources as a deb822 file. */
export function formatDeb822(sources: readonly AptSource[]): string {
  return sources
    .map((s) =>
      [
        "Types: deb",
        `URIs: ${s.uris.join(" ")}`,
        `Suites: ${s.suites.join(" ")}`,
        `Components: ${s.components.join(" ")}`,
        ...(s.signedBy ? [`Signed-By: ${s.signedBy}`] : []),
        ...(s.checkValidUntil === false ? ["Check-Valid-Until: no"] : []),
      ].join("\n"),
    )
    .join("\n\n")
    .concat("\n");
}

function parseDeb822(text: string): AptSource[] {
  return text
    .split(/\n\s*\n/)
    .map((stanza) => {
      const fields = new Map<string, string>();
      for (const line of stanza.split("\n")) {
        const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
        if (match?.[1] && !line.startsWith("#")) fields.set(match[1].toLowerCase(), match[2] ?? "");
      }
      return fields;
    })
    .filter((f) => (f.get("types") ?? "").split(/\s+/).includes("deb") && f.get("enabled") !== "no")
    .map((f) => ({
      uris: (f.get("uris") ?? "").split(/\s+/).filter(Boolean),
      suites: (f.get("suites") ?? "").split(/\s+/).filter(Boolean),
      components: (f.get("components") ?? "main").split(/\s+/).filter(Boolean),
      ...(f.get("signed-by") ? { signedBy: f.get("signed-by") as string } : {}),
    }))
    .filter((s) => s.uris.length > 0 && s.suites.length > 0);
}

function parseOneLine(text: string): AptSource[] {
  return text
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .map((line) => /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      uris: [m[1] ?? ""],
      suites: [m[2] ?? ""],
      components: (m[3] ?? "main").split(/\s+/),
    }));
}
