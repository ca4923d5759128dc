// Bad selections and broken cases end `harness run` with exit 2 before any cell starts: no run
// folder, logs/latest left alone, nothing booted, and every problem named at once.
import assert from "node:assert/strict";
import {
  chmod,
  mkdir,
  readdir,
  readFile,
  readlink,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import { harness, tempDir } from "../helpers/cli.ts";

const GOOD_IMAGE = `kernel:
  image: harness/kernel:debian-6.1-cloud
init:
  - harness/init
onboot:
  - name: check
    image: harness/busybox
    command: ["/bin/sh", "/check.sh"]
files:
  - path: check.sh
    source: check.sh
    mode: "0755"
`;

/** Writes `files` (relative path → text) under `root`; shell scripts are made executable. */
async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    if (file.endsWith(".sh")) await chmod(file, 0o755);
  }
}

/** A scratch folder with a logs folder whose `latest` already points at an earlier run. */
async function scratch(): Promise<{ root: string; logs: string; marker: string }> {
  const root = await tempDir("harness-bad-selection-");
  const logs = join(root, "logs");
  await mkdir(join(logs, "earlier"), { recursive: true });
  await symlink("earlier", join(logs, "latest"));
  return { root, logs, marker: join(root, "started") };
}

/** Stand-ins for qemu that record being started, first on PATH. */
async function fakeQemu(root: string, marker: string): Promise<Record<string, string>> {
  const bin = join(root, "fake-bin");
  for (const name of ["qemu-system-x86_64", "qemu-system-aarch64", "qemu-img"]) {
    await writeTree(bin, {
      [`${name}.sh`]: `#!/bin/sh\necho "${name} $*" >> "${marker}"\nexit 1\n`,
    });
    await symlink(join(bin, `${name}.sh`), join(bin, name));
  }
  return { PATH: `${bin}:${process.env.PATH ?? ""}` };
}

/** Asserts the run wrote no run folder and left logs/latest where it was. */
async function assertNothingWritten(logs: string): Promise<void> {
  assert.deepEqual((await readdir(logs)).sort(), ["earlier", "latest"]);
  assert.equal(await readlink(join(logs, "latest")), "earlier");
  assert.deepEqual(await readdir(join(logs, "earlier")), []);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe("harness run with bad selections", function () {
  this.timeout(60_000);

  it("checks every selected image case before any cell starts and reports all problems", async () => {
    const { root, logs, marker } = await scratch();
    const cases = join(root, "cases");
    await writeTree(cases, {
      "_shared/broken.yml": "onboot:\n  - name: shared\n    imgae: harness/busybox\n",
      "010_grp/010_good_script/test.sh": `#!/bin/sh\n# SUMMARY: good\necho script >> "${marker}"\nexit 0\n`,
      "010_grp/020_good_image/case.yml": "summary: good\n",
      "010_grp/020_good_image/test.yml": GOOD_IMAGE,
      "010_grp/020_good_image/check.sh": "#!/bin/sh\necho ok\n",
      "010_grp/030_bad_yaml/case.yml": "summary: broken YAML\n",
      "010_grp/030_bad_yaml/test.yml": "onboot:\n  - name: x\n    image: [unclosed\n",
      "010_grp/040_no_image/case.yml": "summary: an image case without its image\n",
      "010_grp/050_missing_image/case.yml":
        "summary: names a file that is not there\nimage: gone.yml\n",
      "010_grp/060_composed/case.yml":
        "summary: composes shared YAML\nimage: ../../_shared/broken.yml\n",
      "010_grp/070_missing_source/case.yml": "summary: includes a file that is not there\n",
      "010_grp/070_missing_source/test.yml": GOOD_IMAGE,
    });
    const env = await fakeQemu(root, marker);
    const result = await harness(
      ["run", "--cases", cases, "--platform", "qemu", "--logs", logs, "--parallel", "1"],
      { env },
    );
    assert.equal(result.exitCode, 2, result.stdout + result.stderr);
    const problems: RegExp[] = [
      /030_bad_yaml\/test\.yml:\d+:\d+: invalid YAML/,
      /040_no_image\/case\.yml: case grp\.no_image has no image YAML/,
      /050_missing_image\/gone\.yml: image file not found/,
      /_shared\/broken\.yml:3:\d+: .*imgae/,
      /070_missing_source\/test\.yml:\d+:\d+: files: source check\.sh .*cannot be read/,
    ];
    for (const problem of problems) assert.match(result.stderr, problem);
    assert.doesNotMatch(result.stderr, /020_good_image/);
    assert.equal(await exists(marker), false, "a cell or qemu started");
    await assertNothingWritten(logs);
  });

  it("checks only the cases the patterns select", async () => {
    const { root, logs, marker } = await scratch();
    const cases = join(root, "cases");
    await writeTree(cases, {
      "010_grp/010_good_script/test.sh": `#!/bin/sh\n# SUMMARY: good\necho script >> "${marker}"\nexit 0\n`,
      "010_grp/030_bad_yaml/case.yml": "summary: broken YAML\n",
      "010_grp/030_bad_yaml/test.yml": "onboot: [unclosed\n",
    });
    const result = await harness([
      ...["run", "grp.good_script", "--cases", cases, "--platform", "qemu", "--logs", logs],
      ...["--run-id", "r1"],
    ]);
    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    assert.equal(await readFile(marker, "utf8"), "script\n");
    assert.equal(await readlink(join(logs, "latest")), "r1");
  });

  it("rejects two cases with the same name, naming both folders", async () => {
    const { root, logs, marker } = await scratch();
    const cases = join(root, "cases");
    await writeTree(cases, {
      "010_grp/010_foo/test.sh": `#!/bin/sh\n# SUMMARY: script foo\necho foo >> "${marker}"\n`,
      "010_grp/020_foo/case.yml": "summary: image foo\n",
      "010_grp/020_foo/test.yml": GOOD_IMAGE,
      "010_grp/020_foo/check.sh": "#!/bin/sh\n",
      "010_grp/030_bar/test.sh": `#!/bin/sh\n# SUMMARY: bar\necho bar >> "${marker}"\n`,
      "020_grp/010_bar/test.sh": `#!/bin/sh\n# SUMMARY: other bar\n`,
    });
    const run = await harness(["run", "--cases", cases, "--platform", "qemu", "--logs", logs]);
    assert.equal(run.exitCode, 2, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      /two cases are named "grp\.foo": .*010_grp\/010_foo and .*010_grp\/020_foo/,
    );
    assert.match(
      run.stderr,
      /two cases are named "grp\.bar": .*010_grp\/030_bar and .*020_grp\/010_bar/,
    );
    assert.equal(await exists(marker), false);
    await assertNothingWritten(logs);
    const list = await harness(["list", "--cases", cases]);
    assert.equal(list.exitCode, 2);
    assert.match(list.stderr, /two cases are named "grp\.foo"/);
  });

  it("exits 2 when the selection matches no cell, saying what was asked for", async () => {
    const { root, logs } = await scratch();
    const cases = join(root, "cases");
    await writeTree(cases, {
      "010_grp/010_arm_only/test.sh": "#!/bin/sh\n# SUMMARY: arm only\n",
      "010_grp/010_arm_only/case.yml": "summary: arm only\narches: [aarch64]\n",
    });
    const base = ["run", "--cases", cases, "--platform", "qemu", "--logs", logs];
    const nothing = await harness([...base, "nosuch*", "-l", "slow"]);
    assert.equal(nothing.exitCode, 2, nothing.stdout + nothing.stderr);
    assert.match(nothing.stderr, /no cells to run/);
    assert.match(nothing.stderr, /patterns "nosuch\*"/);
    assert.match(nothing.stderr, /labels "slow"/);
    assert.match(nothing.stderr, /no case matches the patterns and labels/);
    assert.match(nothing.stderr, /harness list/);
    const wrongArch = await harness([...base, "grp", "--arch", "x86_64"]);
    assert.equal(wrongArch.exitCode, 2, wrongArch.stdout + wrongArch.stderr);
    assert.match(wrongArch.stderr, /arch x86_64/);
    assert.match(wrongArch.stderr, /platform qemu/);
    assert.match(wrongArch.stderr, /1 case matches .* but has no cell/);
    const excluded = await harness([...base, "--arch", "aarch64", "--exclude", "grp.*"]);
    assert.equal(excluded.exitCode, 2, excluded.stdout + excluded.stderr);
    assert.match(excluded.stderr, /exclude "grp\.\*"/);
    await assertNothingWritten(logs);
  });

  it("reports a malformed glob with its text, never as an internal error", async () => {
    const { root, logs } = await scratch();
    const cases = join(root, "cases");
    await writeTree(cases, { "010_grp/010_a/test.sh": "#!/bin/sh\n# SUMMARY: a\n" });
    const base = ["--cases", cases, "--platform", "qemu", "--logs", logs];
    for (const args of [
      ["run", "[x", ...base],
      ["run", ...base, "--include", "grp[x"],
      ["run", ...base, "--exclude", "a(b"],
      ["matrix", "[x", "--cases", cases],
      ["list", "[x", "--cases", cases],
    ]) {
      const result = await harness(args);
      const what = `${args.join(" ")}: ${result.stderr}`;
      assert.equal(result.exitCode, 2, what);
      assert.match(result.stderr, /bad glob "(\[x|grp\[x|a\(b)"/, what);
      assert.doesNotMatch(result.stderr, /bug|\n\s+at /i, what);
    }
    await assertNothingWritten(logs);
  });
});

describe("harness validate on a case tree", () => {
  it("reports what harness run would stop at: no image, an unreadable included file", async () => {
    const root = await tempDir("harness-validate-");
    await writeTree(root, {
      "010_grp/010_no_image/case.yml": "summary: no image\n",
      "010_grp/020_missing_source/case.yml": "summary: includes a file that is not there\n",
      "010_grp/020_missing_source/test.yml": GOOD_IMAGE,
    });
    const result = await harness(["validate", root]);
    assert.equal(result.exitCode, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /010_no_image\/case\.yml: case grp\.no_image has no image YAML/);
    assert.match(result.stderr, /020_missing_source\/test\.yml:10:5: files: source check\.sh/);
  });
});
