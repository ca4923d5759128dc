// The npm package's prebuilt CLI: `npm pack` bundles the sources into dist/ (prepack) and removes
// it again (postpack). Node does not run TypeScript from inside node_modules, so an installed copy
// runs this bundle, which finds its own files relative to itself wherever it was installed.
// Usage: pack.ts build|clean
import { rm } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleOptions, sourceLocationPlugin } from "./build.ts";

/** The folder of the prebuilt bundle inside the package. */
export const DIST = "dist";

/** Bundles the CLI under `root` into `root/dist`, every chunk beside main.js. */
export async function buildPackageBundle(root: string): Promise<void> {
  const esbuild = await import("esbuild");
  const outdir = join(root, DIST);
  await rm(outdir, { recursive: true, force: true });
  // A source's URL relative to the chunk that holds it: the install folder is not known yet.
  const urlOf = (sourcePath: string) =>
    `new URL(${JSON.stringify(relative(outdir, sourcePath).split(sep).join("/"))}, import.meta.url).href`;
  try {
    await esbuild.build({
      ...bundleOptions(root, outdir, sourceLocationPlugin(urlOf)),
      sourcesContent: false,
      logLevel: "warning",
    });
  } finally {
    await esbuild.stop();
  }
}

/** Removes the prebuilt bundle, so a clone keeps running its sources. */
export async function removePackageBundle(root: string): Promise<void> {
  await rm(join(root, DIST), { recursive: true, force: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
  const action = process.argv[2];
  if (action === "build") await buildPackageBundle(root);
  else if (action === "clean") await removePackageBundle(root);
  else {
    console.error(`pack.ts: unknown action ${JSON.stringify(action)} (build or clean)`);
    process.exitCode = 2;
  }
}
