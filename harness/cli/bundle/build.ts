// Builds the CLI into one ES module bundle (plus chunks for what loads lazily) with esbuild.
// Start-up was mostly Node resolving, reading and linking ~550 modules one by one; the bundle
// is the same code as the sources, linked ahead of time.
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import type { BuildOptions, Metafile, Plugin } from "esbuild";
import {
  BUNDLE_FORMAT,
  EXTRA_INPUTS,
  clearFailure,
  fileStamp,
  type BundleManifest,
} from "./manifest.ts";

const ENTRY = "harness/cli/main.ts";
// Packages that load native addons or data files beside their own sources stay outside the
// bundle and load from node_modules as before; all of them are loaded lazily anyway.
const EXTERNAL = [
  "node-ssh",
  "ssh2",
  "cpu-features",
  "esbuild",
  "@google-cloud/*",
  "google-gax",
  "googleapis",
  "@googleapis/*",
];
// CommonJS packages inside an ES module bundle call require() for Node's built-ins.
const BANNER =
  'import { createRequire as __harnessRequire } from "node:module"; const require = __harnessRequire(import.meta.url);';
const OLD_BUNDLE_MS = 24 * 3600_000;
// A build takes ~0.5 s; one that hangs must not hang every command with it.
const BUILD_DEADLINE_MS = 60_000;

/** Builds the bundle of the CLI under `root` into `dir` and writes its manifest; returns it. */
export async function buildCliBundle(
  root: string,
  dir: string,
  deadlineMs = BUILD_DEADLINE_MS,
): Promise<BundleManifest> {
  const esbuild = await import("esbuild");
  const name = `b-${Date.now()}-${process.pid}`;
  const startedMs = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the CLI bundle's build took over ${deadlineMs} ms; stopped it`)),
      deadlineMs,
    );
  });
  try {
    const building = esbuild.build(
      bundleOptions(
        root,
        join(dir, name),
        sourceLocationPlugin((path) => JSON.stringify(pathToFileURL(path).href)),
      ),
    );
    // Stopping esbuild (below) ends an overdue build, which then rejects unheard.
    building.catch(() => undefined);
    const result = await Promise.race([building, overdue]);
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      root,
      node: process.version,
      entry: `${name}/main.js`,
      inputs: stampInputs(root, result.metafile, startedMs),
    };
    await writeManifest(dir, manifest);
    clearFailure(dir);
    await pruneOldBundles(dir, name);
    return manifest;
  } catch (error) {
    // Stopped first, so an overdue build writes nothing after its folder is gone.
    await esbuild.stop();
    await rm(join(dir, name), { recursive: true, force: true });
    throw error;
  } finally {
    clearTimeout(timer);
    await esbuild.stop();
  }
}

/** The esbuild options of a CLI bundle of the sources under `root`, written to `outdir`. */
export function bundleOptions(
  root: string,
  outdir: string,
  plugin: Plugin,
): BuildOptions & {
  metafile: true;
} {
  return {
    absWorkingDir: root,
    entryPoints: { main: ENTRY },
    outdir,
    chunkNames: "chunk-[hash]",
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "esnext",
    sourcemap: "external",
    external: EXTERNAL,
    banner: { js: BANNER },
    plugins: [plugin],
    metafile: true,
    logLevel: "silent",
  };
}

/**
 * Makes each module's import.meta.url the URL of its source file (as `urlOf` spells it), so paths
 * computed from it (the repository root, the schema cache, rtf's helpers) are the same as when run
 * from source.
 */
export function sourceLocationPlugin(urlOf: (sourcePath: string) => string): Plugin {
  return {
    name: "source-import-meta-url",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
        const text = await readFile(args.path, "utf8");
        if (!text.includes("import.meta.url")) return undefined;
        return {
          contents: text.replaceAll("import.meta.url", urlOf(args.path)),
          loader: loaderOf(args.path),
        };
      });
    },
  };
}

function loaderOf(path: string): "ts" | "js" {
  return /\.[cm]?ts$/.test(path) ? "ts" : "js";
}

// The project's own inputs are stamped one by one; node_modules as a whole by npm's lock file.
// A source saved while the build ran may not be in the bundle: no manifest, so the next command
// builds again.
function stampInputs(
  root: string,
  metafile: Metafile,
  startedMs: number,
): BundleManifest["inputs"] {
  const own = Object.keys(metafile.inputs).filter((path) => !path.includes("node_modules/"));
  const inputs: BundleManifest["inputs"] = {};
  for (const path of [...own, ...EXTRA_INPUTS]) {
    const stamp = fileStamp(root, path);
    if (!stamp) throw new Error(`bundle input ${path} vanished during the build`);
    if (stamp[0] >= startedMs) throw new Error(`bundle input ${path} changed during the build`);
    inputs[relative(root, join(root, path))] = stamp;
  }
  return inputs;
}

async function writeManifest(dir: string, manifest: BundleManifest): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temporary = join(dir, `manifest.json.${process.pid}.tmp`);
  await writeFile(temporary, `${JSON.stringify(manifest)}\n`);
  await rename(temporary, join(dir, "manifest.json"));
}

// A long run may still load lazy chunks from the bundle it started with, so older bundles are
// removed only once they are a day old.
async function pruneOldBundles(dir: string, keep: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    if (!entry.startsWith("b-") || entry === keep) continue;
    const path = join(dir, entry);
    const { mtimeMs } = await stat(path);
    if (Date.now() - mtimeMs > OLD_BUNDLE_MS) await rm(path, { recursive: true, force: true });
  }
}
