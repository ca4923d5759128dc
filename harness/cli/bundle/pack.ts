// The npm package's prebuilt CLI: `npm pack` bundles the sources into dist/ (prepack) and removes
// it again (postpack). Node does not run TypeScript from inside node_modules, so an installed copy
// runs this bundle, which finds its own files relative to itself wherever it was installed.
// Usage: pack.ts build|clean
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleOptions, sourceLocationPlugin } from "./build.ts";

/** The folder of the prebuilt bundle inside the package. */
export const DIST = "dist";

/** The file bin/harness runs in an installed copy: a Node version check, then the bundle. */
export const LAUNCHER = "harness.js";

/**
 * Bundles the CLI under `root` into `root/dist`, every chunk beside main.js, and writes the
 * launcher that checks the Node version first.
 */
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
  await writeFile(join(outdir, LAUNCHER), launcherSource(await minimumNode(root)));
}

// The lowest Node version package.json's engines allows (">=MAJOR.MINOR.PATCH").
async function minimumNode(root: string): Promise<[number, number]> {
  const { engines } = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
    engines?: { node?: string };
  };
  const match = /^>=\s*(\d+)\.(\d+)/.exec(engines?.node ?? "");
  if (!match) throw new Error(`package.json engines.node is not ">=X.Y.Z": ${engines?.node}`);
  return [Number(match[1]), Number(match[2])];
}

// Plain JavaScript an old Node can parse: the bundle loads only once the version is known to fit,
// so an old Node on PATH gets this message instead of a syntax error deep in a chunk.
function launcherSource([major, minor]: [number, number]): string {
  return `// Written by npm pack (harness/cli/bundle/pack.ts): the Node version check, then the CLI.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < ${major} || (major === ${major} && minor < ${minor})) {
  process.stderr.write(
    "harness: needs Node >= ${major}.${minor}; " + process.execPath + " is " + process.version +
      " (put a newer node first on PATH)\\n",
  );
  process.exit(2);
}
await import("./main.js");
`;
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
