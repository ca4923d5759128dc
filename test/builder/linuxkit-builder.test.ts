// harness build --builder linuxkit: exit 2 with a next step when linuxkit is missing, and, through a
// stand-in linuxkit on PATH, the exact command line, its failures, and Ctrl-C stopping all it started.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { access, chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO, harness, startHarness, tempDir } from "../helpers/cli.ts";
import { processesWithEnv } from "../helpers/processes.ts";

const MINIMAL = join(REPO, "cases", "examples", "minimal.yml");
const RUNC = join(REPO, "cases", "examples", "runc.yml");

// Records its arguments one per line, then acts as told by LINUXKIT_MODE: write the kernel+initrd
// outputs (default), fail, write nothing, or hang with a child process.
const STAND_IN = `#!/bin/sh
printf '%s\\n' "$@" > "$LINUXKIT_ARGS"
while [ $# -gt 0 ]; do
  case "$1" in --dir) dir=$2; shift ;; --name) name=$2; shift ;; esac
  shift
done
case "$LINUXKIT_MODE" in
  fail) echo "linuxkit: pulling linuxkit/init: no such host" >&2; exit 1 ;;
  silent) exit 0 ;;
  hang) sleep 600 & wait; exit 0 ;;
esac
echo "Create outputs:" >&2
mkdir -p "$dir"
printf kernel > "$dir/$name-kernel"
printf initrd > "$dir/$name-initrd.img"
printf 'console=ttyS0' > "$dir/$name-cmdline"
`;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe("harness build --builder linuxkit", function () {
  this.timeout(60_000);
  let dir: string;
  let standInPath: string;
  let argsFile: string;

  const withStandIn = (mode = "") => ({
    PATH: `${join(dir, "bin")}${delimiter}${process.env.PATH ?? ""}`,
    LINUXKIT_ARGS: argsFile,
    LINUXKIT_MODE: mode,
  });

  before(async () => {
    dir = await tempDir("harness-linuxkit-");
    await mkdir(join(dir, "bin"));
    standInPath = join(dir, "bin", "linuxkit");
    await writeFile(standInPath, STAND_IN);
    await chmod(standInPath, 0o755);
    argsFile = join(dir, "args");
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("exits 2 saying linuxkit is not on PATH and what to do", async () => {
    const path = (process.env.PATH ?? "").split(delimiter);
    const without = [];
    for (const entry of path) if (!(await exists(join(entry, "linuxkit")))) without.push(entry);
    const out = join(dir, "missing");
    const result = await harness(["build", MINIMAL, "--builder", "linuxkit", "-o", out], {
      env: { PATH: without.join(delimiter) },
    });
    assert.equal(result.exitCode, 2, result.stderr);
    assert.match(
      result.stderr,
      /--builder linuxkit needs the linuxkit CLI, and there is no linuxkit on PATH \(/,
    );
    assert.match(
      result.stderr,
      /\[ENOLINUXKIT\]\n {2}install linuxkit .* or drop --builder linuxkit/,
    );
    assert.equal(await exists(out), false);
  });

  it("runs linuxkit build --format kernel+initrd --arch --name --dir with the YAML files", async () => {
    const out = join(dir, "out");
    const result = await harness(
      ["build", MINIMAL, "--builder", "linuxkit", "--arch", "aarch64", "-o", out, "--json"],
      { env: withStandIn() },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    const args = (await readFile(argsFile, "utf8")).trimEnd().split("\n");
    assert.deepEqual(args, [
      "build",
      "--format",
      "kernel+initrd",
      "--arch",
      "arm64",
      "--name",
      "minimal",
      "--dir",
      out,
      MINIMAL,
    ]);
    const record = JSON.parse(result.stdout) as {
      builder: string;
      command: string[];
      outputs: object;
    };
    assert.equal(record.builder, "linuxkit");
    assert.deepEqual(record.command, [standInPath, ...args]);
    assert.deepEqual(record.outputs, {
      kernel: "minimal-kernel",
      initrd: "minimal-initrd.img",
      cmdline: "minimal-cmdline",
    });
    assert.match(result.stderr, /Create outputs:/, "linuxkit's output is passed on");
    assert.equal(await readFile(join(out, "minimal-cmdline"), "utf8"), "console=ttyS0");
  });

  it("passes several files (relative to the working folder), extra formats and --name through", async () => {
    const out = join(dir, "both");
    const result = await harness(
      [
        "build",
        "minimal.yml",
        "runc.yml",
        "--builder",
        "linuxkit",
        "--arch",
        "x86_64",
        "--format",
        "raw-bios",
        "--name",
        "both",
        "-o",
        out,
      ],
      { env: withStandIn(), cwd: join(REPO, "cases", "examples") },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    const args = (await readFile(argsFile, "utf8")).trimEnd().split("\n");
    assert.deepEqual(args, [
      "build",
      "--format",
      "kernel+initrd",
      "--format",
      "raw-bios",
      "--arch",
      "amd64",
      "--name",
      "both",
      "--dir",
      out,
      MINIMAL,
      RUNC,
    ]);
    assert.match(result.stdout, /both \(x86_64\) built by linuxkit in \d+ms/);
  });

  it("reports a failing linuxkit with the tail of its output", async () => {
    const result = await harness(
      ["build", MINIMAL, "--builder", "linuxkit", "-o", join(dir, "f")],
      {
        env: withStandIn("fail"),
      },
    );
    assert.equal(result.exitCode, 3, result.stderr);
    assert.match(
      result.stderr,
      /linuxkit build .* failed \(exit 1\):\n {2}linuxkit: pulling linuxkit\/init: no such host \[ELINUXKIT\]/,
    );
  });

  it("reports a linuxkit that succeeds without writing the kernel", async () => {
    const result = await harness(
      ["build", MINIMAL, "--builder", "linuxkit", "-o", join(dir, "s")],
      {
        env: withStandIn("silent"),
      },
    );
    assert.equal(result.exitCode, 3, result.stderr);
    assert.match(result.stderr, /succeeded but wrote no minimal-kernel in .* \[ELINUXKIT\]/);
  });

  it("refuses flags only the harness builder understands, and unknown builders", async () => {
    const kernel = await harness(
      ["build", MINIMAL, "--builder", "linuxkit", "--kernel", "debian-6.12", "--no-pull"],
      {
        env: withStandIn(),
      },
    );
    assert.equal(kernel.exitCode, 2);
    assert.match(kernel.stderr, /--builder linuxkit does not take --kernel, --no-pull \[EUSAGE\]/);
    const unknown = await harness(["build", MINIMAL, "--builder", "moby"]);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /unknown --builder "moby"/);
  });

  it("stops linuxkit and every process it started on Ctrl-C", async () => {
    const marker = `HARNESS_TEST_LINUXKIT=${randomUUID()}`;
    const [name = "", value = ""] = marker.split("=");
    const child = startHarness(["build", MINIMAL, "--builder", "linuxkit", "-o", join(dir, "h")], {
      env: { ...withStandIn("hang"), [name]: value },
    });
    const deadline = Date.now() + 20_000;
    // The harness, the stand-in and its sleep all carry the marker.
    while ((await processesWithEnv(marker)).length < 3 && Date.now() < deadline) await sleep(50);
    assert.ok((await processesWithEnv(marker)).length >= 3, "linuxkit stand-in started");
    child.kill("SIGINT");
    const result = await child;
    assert.equal(result.exitCode, 130, String(result.all));
    assert.match(String(result.all), /was cancelled and stopped \[ECANCELLED\]/);
    assert.deepEqual(await processesWithEnv(marker), []);
  });
});
