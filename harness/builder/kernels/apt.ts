// A private apt (own lists and cache, amd64 + arm64, backports added) so kernels and packages for
// either arch are fetched with Debian's own client, verified against its signed indexes.
import { mkdir, readFile, stat, writeFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { HarnessError } from "../../errors.ts";
import { withFileLock } from "../../util/file-lock.ts";
import { writeFileAtomic } from "../../util/atomic-write.ts";
import { formatDeb822, systemAptSources, withBackports, type AptSource } from "./apt-sources.ts";
import { hostInfo } from "../../util/host-labels.ts";
import { readFileSync } from "node:fs";

/** The private apt's folder and the options every apt call needs. */
export interface Apt {
  root: string;
  options: string[];
}

const LISTS_MAX_AGE_MS = 24 * 3_600_000;

/** Where a private apt lives and what it reads; kernels get their own, so the many suites they need
 * never change which versions the guest packages resolve to. */
export interface AptSetup {
  /** Folder under the cache (default "apt"). */
  folder?: string;
  /** Sources (default: the host's Debian sources plus backports). */
  sources?: readonly AptSource[];
}

/** Prepares a private apt under the cache, refreshing its lists when missing, a day old or when its
 * sources changed. */
export async function privateApt(
  cacheDir: string,
  signal?: AbortSignal,
  setup: AptSetup = {},
): Promise<Apt> {
  const { sources } = setup;
  const root = join(cacheDir, setup.folder ?? "apt");
  const apt: Apt = { root, options: aptOptions(root) };
  await withFileLock(root, async () => {
    await mkdir(join(root, "lists", "partial"), { recursive: true });
    await mkdir(join(root, "cache", "archives", "partial"), { recursive: true });
    await mkdir(join(root, "sources.list.d"), { recursive: true });
    await mkdir(join(root, "preferences.d"), { recursive: true });
    // Every apt call reads this file, outside the lock: rewritten in place, a concurrent
    // apt-cache could find it empty ("No packages found"). So it is replaced only when it
    // changes, and whole.
    const sourcesFile = join(root, "sources.list.d", "harness.sources");
    const text = formatDeb822(sources ?? withBackports(await systemAptSources(), codename()));
    const changed = (await readFile(sourcesFile, "utf8").catch(() => undefined)) !== text;
    if (changed) await writeFileAtomic(sourcesFile, text);
    if (!changed && (await listsFresh(root))) return;
    await runApt("apt-get", apt, ["-q", "update"], signal);
    await writeFile(join(root, "updated"), new Date().toISOString());
  });
  return apt;
}

/** Runs apt-get or apt-cache with the private configuration; failures say what apt said. */
export async function runApt(
  tool: "apt-get" | "apt-cache",
  apt: Apt,
  args: string[],
  signal?: AbortSignal,
  cwd?: string,
): Promise<string> {
  const result = await execa(tool, [...apt.options, ...args], {
    reject: false,
    ...(cwd ? { cwd } : {}),
    ...(signal ? { cancelSignal: signal } : {}),
    env: { LC_ALL: "C", DEBIAN_FRONTEND: "noninteractive" },
  });
  if (result.exitCode !== 0) {
    const said = `${result.stderr}`.trim().split("\n").slice(-3).join(" / ");
    throw new HarnessError(
      "EAPT",
      `${tool} ${args.join(" ")} failed: ${said || `exit ${result.exitCode}`}`,
      {
        hint: "check that Debian's package mirror is reachable; the private apt lives in .cache/apt",
      },
    );
  }
  return result.stdout;
}

/** Downloads .deb files (apt checks them against the signed index) into `dir`; returns their paths. */
export async function aptDownload(
  apt: Apt,
  specs: readonly string[],
  dir: string,
  signal?: AbortSignal,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const before = new Set(await readdir(dir));
  await runApt("apt-get", apt, ["-q", "download", ...specs], signal, dir);
  return (await readdir(dir))
    .filter((f) => f.endsWith(".deb") && !before.has(f))
    .map((f) => join(dir, f));
}

/** `apt-cache show` records for a package spec, newest first. */
export async function aptShow(
  apt: Apt,
  spec: string,
  signal?: AbortSignal,
): Promise<Record<string, string>[]> {
  const text = await runApt("apt-cache", apt, ["show", spec], signal);
  return text
    .split(/\n\n+/)
    .filter((block) => block.trim() !== "")
    .map((block) =>
      Object.fromEntries(
        block
          .split(/\n(?! )/)
          .map((line) => [
            line.slice(0, line.indexOf(":")),
            line.slice(line.indexOf(":") + 1).trim(),
          ]),
      ),
    );
}

function aptOptions(root: string): string[] {
  const o = (key: string, value: string) => ["-o", `${key}=${value}`];
  return [
    ...o("Dir::State", root),
    ...o("Dir::State::Lists", join(root, "lists")),
    ...o("Dir::State::status", "/var/lib/dpkg/status"),
    ...o("Dir::Cache", join(root, "cache")),
    ...o("Dir::Etc::SourceList", "/dev/null"),
    ...o("Dir::Etc::SourceParts", join(root, "sources.list.d")),
    ...o("Dir::Etc::Preferences", "/dev/null"),
    ...o("Dir::Etc::PreferencesParts", join(root, "preferences.d")),
    ...o("APT::Architectures::", "amd64"),
    ...o("APT::Architectures::", "arm64"),
    ...o("Debug::NoLocking", "1"),
    // Downloads land in the harness cache, which the unprivileged _apt user may not reach.
    ...o("APT::Sandbox::User", "root"),
  ];
}

async function listsFresh(root: string): Promise<boolean> {
  const updated = await stat(join(root, "updated")).catch(() => undefined);
  return updated !== undefined && Date.now() - updated.mtimeMs < LISTS_MAX_AGE_MS;
}

function codename(): string {
  try {
    const match = /^VERSION_CODENAME=(.*)$/m.exec(readFileSync("/etc/os-release", "utf8"));
    if (match?.[1]) return match[1].replace(/"/g, "");
  } catch {
    // Fall through to the distro's version.
  }
  return hostInfo().distroVersion === "12" ? "bookworm" : "stable";
}
