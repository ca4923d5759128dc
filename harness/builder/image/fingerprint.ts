// The cheap first look of a build: a hash of everything that could change its result (YAML text,
// files sources, recipes, apt's index date, the store's index), mapped to the build it produced.
import { createHash } from "node:crypto";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { ImageConfig } from "../yaml/types.ts";
import { DEFAULT_MODULES } from "../kernels/modules.ts";

/** What the fingerprint covers besides the YAML. */
export interface FingerprintInputs {
  config: ImageConfig;
  arch: string;
  kernel: string | undefined;
  name: string;
  builderVersion: string;
  cacheDir: string;
  pkgRoot: string;
  storeRoot: string;
}

/** A hash over the build's inputs as they are on disk; equal hashes mean an equal build. */
export async function buildFingerprint(inputs: FingerprintInputs): Promise<string> {
  const hash = createHash("sha256")
    .update(JSON.stringify(DEFAULT_MODULES))
    .update(JSON.stringify([inputs.builderVersion, inputs.arch, inputs.kernel ?? "", inputs.name]));
  for (const file of inputs.config.sources) hash.update(file).update(await readFile(file));
  for (const entry of inputs.config.files) {
    if (entry.source)
      hash
        .update(entry.source)
        .update(
          await readFile(resolve(dirname(entry.at.file), entry.source)).catch(() =>
            Buffer.from("absent"),
          ),
        );
  }
  for (const recipe of (await readdir(inputs.pkgRoot, { recursive: true })).sort()) {
    hash
      .update(recipe)
      .update(await readFile(join(inputs.pkgRoot, recipe)).catch(() => Buffer.alloc(0)));
  }
  hash.update(await readFile(join(inputs.cacheDir, "apt", "updated")).catch(() => Buffer.alloc(0)));
  hash.update(await readFile(join(inputs.storeRoot, "index.json")).catch(() => Buffer.alloc(0)));
  return hash.digest("hex").slice(0, 32);
}

/** The build key a fingerprint led to last time, if any. */
export async function lookupFingerprint(
  cacheDir: string,
  fingerprint: string,
): Promise<string | undefined> {
  return (
    await readFile(join(cacheDir, "build-index", fingerprint), "utf8").catch(() => undefined)
  )?.trim();
}

/** Remembers which build a fingerprint produced. */
export async function rememberFingerprint(
  cacheDir: string,
  fingerprint: string,
  key: string,
): Promise<void> {
  await mkdir(join(cacheDir, "build-index"), { recursive: true });
  await writeFile(join(cacheDir, "build-index", fingerprint), `${key}\n`);
}
