// A kernel's modules as a tree holding lib/modules/<release>: found, unpacked from a tarball, indexed.
import { mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { inputError } from "../../errors.ts";

/** Where modules came from and what to tell the user when they are not usable. */
export interface ModulesOrigin {
  /** E.g. "modules tarball kernel.tar of image example.org/kernel:test". */
  what: string;
  hint: string;
}

/** The one release under `root/lib/modules`; a missing or ambiguous one is a bad-input error. */
export async function modulesRelease(root: string, origin: ModulesOrigin): Promise<string> {
  const entries = await readdir(join(root, "lib", "modules"), { withFileTypes: true }).catch(
    () => [],
  );
  const releases = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const [release] = releases;
  if (release !== undefined && releases.length === 1) return release;
  const found = releases.length === 0 ? "none" : releases.sort().join(", ");
  throw inputError(
    "EKERNELMODULES",
    `${origin.what} holds no single lib/modules/<release> folder (found: ${found})`,
    { hint: origin.hint },
  );
}

/** Writes modules.dep (depmod -b) unless the tree already has one. */
export async function ensureModulesIndex(
  root: string,
  release: string,
  signal?: AbortSignal,
): Promise<void> {
  if (await stat(join(root, "lib", "modules", release, "modules.dep")).catch(() => undefined))
    return;
  await execa("depmod", ["-b", root, release], signal ? { cancelSignal: signal } : {});
}

/** Unpacks a modules tarball (any compression tar reads) into `root`; returns its indexed release. */
export async function unpackModulesTar(
  tarball: string,
  root: string,
  origin: ModulesOrigin,
  signal?: AbortSignal,
): Promise<string> {
  await mkdir(root, { recursive: true });
  const result = await execa("tar", ["-xf", tarball, "-C", root, "--no-same-owner"], {
    reject: false,
    ...(signal ? { cancelSignal: signal } : {}),
  });
  signal?.throwIfAborted();
  if (result.exitCode !== 0) {
    const said = result.stderr.trim().split("\n").slice(-2).join(" / ");
    throw inputError("EKERNELMODULES", `${origin.what} cannot be unpacked: ${said}`, {
      hint: origin.hint,
    });
  }
  const release = await modulesRelease(root, origin);
  await ensureModulesIndex(root, release, signal);
  return release;
}
