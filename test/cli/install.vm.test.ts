// The npm package, as a user gets it: `npm pack` of the tree, `npm i -g` of the tarball into a
// temp prefix, then `harness --version` and a one-case qemu run from a folder outside the
// repository, with the installed copy writing nothing into its install folder.
import assert from "node:assert/strict";
import { cp, mkdir, readFile, readdir, rm, stat, symlink } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { execa } from "execa";
import { buildContext } from "../../harness/builder/context.ts";
import { REPO, tempDir } from "../helpers/cli.ts";

const PACKAGE = JSON.parse(await readFile(join(REPO, "package.json"), "utf8")) as {
  name: string;
  version: string;
};
// npm and the installed harness run under the Node running the tests (>= 22.18), found first on PATH.
const PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ""}`;

// The tree as a fresh clone would have it (tracked and new files, nothing ignored), with the
// repository's node_modules for prepack's bundle build.
async function copyOfTree(): Promise<string> {
  const dir = await tempDir("harness-install-src-");
  const { stdout } = await execa("git", ["ls-files", "-co", "--exclude-standard", "-z"], {
    cwd: REPO,
  });
  for (const path of stdout.split("\0").filter(Boolean)) {
    const present = await stat(join(REPO, path)).catch(() => undefined);
    if (present?.isFile())
      await cp(join(REPO, path), join(dir, path), { preserveTimestamps: true });
  }
  await symlink(join(REPO, "node_modules"), join(dir, "node_modules"));
  return dir;
}

// Every file under `dir` with its size and mtime, to prove a run changed nothing there.
async function listing(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const rows = await Promise.all(
    entries.map(async (entry) => {
      const path = join(entry.parentPath, entry.name);
      const stats = await stat(path).catch(() => undefined);
      return `${relative(dir, path)} ${stats?.size ?? "-"} ${stats?.mtimeMs ?? "-"}`;
    }),
  );
  return rows.sort();
}

// A node on PATH (besides the one running the tests) older than the package's minimum, if any.
async function olderNode(): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const node = join(dir, "node");
    if (!dir || dir === dirname(process.execPath)) continue;
    const version = await execa(node, ["-p", "process.versions.node"], { reject: false });
    const [major = 0, minor = 0] = String(version.stdout).split(".").map(Number);
    if (version.exitCode === 0 && (major < 22 || (major === 22 && minor < 18))) return node;
  }
  return undefined;
}

describe("the npm package installed globally", function () {
  this.timeout(900_000);
  const folders: string[] = [];
  let prefix: string;
  let installed: string;
  let work: string;

  before(async () => {
    const source = await copyOfTree();
    const out = await tempDir("harness-install-pack-");
    prefix = await tempDir("harness-install-prefix-");
    work = await tempDir("harness-install-work-");
    folders.push(source, out, prefix, work);
    const env = { PATH };
    const pack = await execa("npm", ["pack", "--pack-destination", out], { cwd: source, env });
    const tarball = join(out, `${PACKAGE.name}-${PACKAGE.version}.tgz`);
    assert.match(pack.stdout, new RegExp(`${PACKAGE.name}-${PACKAGE.version}\\.tgz`));
    await execa(
      "npm",
      ["i", "-g", "--prefix", prefix, "--omit=optional", "--prefer-offline"].concat([
        "--no-audit",
        "--no-fund",
        tarball,
      ]),
      { cwd: work, env },
    );
    installed = join(prefix, "lib", "node_modules", PACKAGE.name);
    // npm installs optional dependencies into a global prefix from a tarball despite
    // --omit=optional (npm/cli#8284); removed here, so the qemu run proves it needs none of them.
    await rm(join(installed, "node_modules", "@google-cloud"), { recursive: true, force: true });
  });

  after(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it("ships its prebuilt CLI, and none of the repository's tests or settings", async () => {
    assert.ok((await stat(join(installed, "dist", "harness.js"))).isFile());
    const top = await readdir(installed);
    for (const absent of ["test", "bench", ".git", "harness.yml"])
      assert.ok(!top.includes(absent), `${absent} is in the package`);
  });

  it("prints its version from any folder", async () => {
    const result = await execa(join(prefix, "bin", "harness"), ["--version"], {
      cwd: work,
      env: { PATH },
    });
    assert.equal(result.stdout, `harness ${PACKAGE.version}`);
  });

  it("says which Node it needs when the one on PATH is too old", async function () {
    const old = await olderNode();
    if (!old) {
      console.log("      skipping: no node older than 22.18 on PATH to try");
      this.skip();
    }
    const result = await execa(join(prefix, "bin", "harness"), ["--version"], {
      cwd: work,
      reject: false,
      env: { PATH: `${dirname(old)}:/usr/bin:/bin` },
    });
    assert.equal(result.exitCode, 2, result.stderr);
    assert.match(
      result.stderr,
      /^harness: needs Node >= 22\.18; .* is v\d+\.\d+\.\d+ \(put a newer node/,
    );
  });

  it("loads Google's client libraries only for gcp, and without them says how to add them", async () => {
    const result = await execa(join(prefix, "bin", "harness"), ["gcp", "gc", "--dry-run"], {
      cwd: work,
      reject: false,
      env: { PATH, CLOUDSDK_CORE_PROJECT: "p", CLOUDSDK_COMPUTE_ZONE: "z" },
    });
    assert.equal(result.exitCode, 3, result.stderr);
    assert.match(
      result.stderr,
      /needs Google's client libraries \[EGCPSDK\]\n.*npm i @google-cloud/,
    );
  });

  it("runs a one-case tree on qemu from a folder outside the repository, writing nothing into its install folder", async () => {
    const cases = join(work, "cases", "010_boot");
    await mkdir(cases, { recursive: true });
    await cp(join(REPO, "cases", "010_boot", "010_banner"), join(cases, "010_banner"), {
      recursive: true,
    });
    const before = await listing(installed);
    const args = ["run", "--cases", "cases", "--platform", "qemu", "--arch", "x86_64"];
    const result = await execa(join(prefix, "bin", "harness"), [...args, "--logs", "logs"], {
      cwd: work,
      reject: false,
      all: true,
      env: {
        PATH,
        // The kernels and images the tests already built, so the run boots at once.
        HARNESS_CACHE: buildContext(process.env).cacheDir,
        XDG_CACHE_HOME: join(work, "xdg"),
      },
    });
    assert.equal(result.exitCode, 0, String(result.all));
    assert.match(String(result.stdout), /PASS .*boot\.banner\/qemu-x86_64/);
    const run = JSON.parse(await readFile(join(work, "logs", "latest", "run.json"), "utf8")) as {
      cells: { status: string }[];
    };
    assert.deepEqual(
      run.cells.map((cell) => cell.status),
      ["pass"],
    );
    assert.deepEqual(await listing(installed), before, "the install folder changed");
    assert.ok((await readdir(join(work, "xdg", "harness"))).length > 0, "no user cache used");
  });
});
