// What bin/harness runs: the CLI's bundle when it matches the sources, else a new bundle built
// now, else the sources themselves (HARNESS_BUNDLE=0 always takes the sources). Nothing heavy
// loads before that choice.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  bundleDir,
  freshManifest,
  recordFailure,
  standingFailure,
  type BundleManifest,
} from "./bundle/manifest.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

async function bundleEntry(): Promise<string | undefined> {
  if (process.env.HARNESS_BUNDLE === "0") return undefined;
  const dir = bundleDir(root);
  const fresh = freshManifest(root, dir);
  if (!fresh && standingFailure(root, dir)) return undefined;
  const manifest: BundleManifest | undefined =
    fresh ??
    (await import("./bundle/build.ts")
      .then(({ buildCliBundle }) => buildCliBundle(root, dir))
      // No esbuild, a read-only tree, a source that does not parse: the sources run instead,
      // and Node reports their problems as it would without a bundle. `harness doctor` shows why.
      .catch((error: unknown) => {
        recordFailure(root, dir, error);
        return undefined;
      }));
  return manifest && pathToFileURL(join(dir, manifest.entry)).href;
}

// A manifest or failure record damaged past reading also leaves the sources to run.
await import((await bundleEntry().catch(() => undefined)) ?? "./main.ts");
