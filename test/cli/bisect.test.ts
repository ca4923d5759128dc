// harness bisect through the CLI, with real harness runs of a host-script case whose verdict depends
// on the kernel the harness gives it (HARNESS_KERNEL), so no kernel is downloaded: the first bad
// kernel of a series and its log, a flaky failure caught by repetition, and bad input.
import assert from "node:assert/strict";
import { mkdir, readdir, writeFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { compareDebianVersions } from "../../harness/builder/kernels/debian-version.ts";
import { harness, tempDir } from "../helpers/cli.ts";

const folders: string[] = [];
/** A temp folder removed after the tests of this file. */
async function made(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  folders.push(dir);
  return dir;
}

const literal = (text: string) => text.replace(/[.+~^$()]/g, "\\$&");

const KERNELS = ["debian-5.10", "debian-6.1", "debian-6.12", "debian-trixie", "debian-7.3"];

// Fails on the kernels named in BAD_KERNELS; on those in FLAKY_KERNELS, every second run (runs
// number themselves by the first folder in SCRATCH they can make, atomic though repeats run at
// once), so one run per kernel would miss it.
const SCRIPT = `#!/bin/sh
# SUMMARY: Passes or fails by kernel
case " $BAD_KERNELS " in *" $HARNESS_KERNEL "*) echo "broken on $HARNESS_KERNEL"; exit 1;; esac
case " $FLAKY_KERNELS " in *" $HARNESS_KERNEL "*)
  i=1; while ! mkdir "$SCRATCH/$HARNESS_KERNEL.$i" 2>/dev/null; do i=$((i + 1)); done
  [ $((i % 2)) -eq 0 ] && { echo "flaked on $HARNESS_KERNEL"; exit 1; };;
esac
exit 0
`;

describe("harness bisect", function () {
  after(() => Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true }))));
  this.timeout(120_000);
  let cases: string;

  before(async () => {
    cases = await made("harness-bisect-cases-");
    await mkdir(join(cases, "010_bykernel"));
    await writeFile(join(cases, "010_bykernel", "test.sh"), SCRIPT, { mode: 0o755 });
  });

  const bisect = async (
    env: Record<string, string>,
    ...extra: string[]
  ): Promise<Awaited<ReturnType<typeof harness>> & { logs: string }> => {
    const logs = await made("harness-bisect-logs-");
    const scratch = await made("harness-bisect-scratch-");
    const result = await harness(
      [
        "bisect",
        "--cases",
        cases,
        "--platform",
        "qemu",
        "--logs",
        logs,
        "--kernel",
        KERNELS.join(","),
        ...extra,
      ],
      { env: { SCRATCH: scratch, BAD_KERNELS: "", FLAKY_KERNELS: "", ...env } },
    );
    return { ...result, logs };
  };

  it("prints the first bad kernel of the series and its log, trying as few as a binary search", async () => {
    const result = await bisect({ BAD_KERNELS: "debian-trixie debian-7.3" }, "--repeat", "1");
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(
      result.stdout,
      /^first bad kernel: debian-trixie \(the one before it, debian-6\.12, passes\)\n {2}1\/1 failed: bykernel\/qemu-x86_64-debian-trixie fail: .*\n {2}log: .*bisect-[^/]+-\d-debian-trixie\/cells\/bykernel\/qemu-x86_64-debian-trixie\/console\.log\n {2}\| .*broken on debian-trixie$/m,
    );
    const tried = result.stdout.split("\n").filter((l) => /^(bad |good) /.test(l));
    assert.deepEqual(
      tried.map((l) => l.split(":")[0]),
      ["bad   debian-7.3", "good  debian-5.10", "good  debian-6.12", "bad   debian-trixie"],
    );
    assert.equal((await readdir(result.logs)).filter((d) => d.startsWith("bisect-")).length, 4);
  });

  it("repeats each kernel so a failure every second run is caught", async () => {
    const once = await bisect(
      { FLAKY_KERNELS: "debian-6.12 debian-trixie debian-7.3" },
      "--repeat",
      "1",
    );
    assert.equal(once.exitCode, 0, "one run per kernel misses it");
    assert.match(once.stdout, /^no kernel fails: the newest, debian-7\.3, passed its run$/m);
    const repeated = await bisect({ FLAKY_KERNELS: "debian-6.12 debian-trixie debian-7.3" });
    assert.equal(repeated.exitCode, 1, repeated.stdout + repeated.stderr);
    assert.match(
      repeated.stdout,
      /^first bad kernel: debian-6\.12 \(the one before it, debian-6\.1, passes\)\n {2}1\/3 failed/m,
    );
  });

  it("searches the versions a catalogue series offers, oldest first", async function () {
    const listed = await harness(["kernels", "--json"]);
    assert.equal(listed.exitCode, 0, listed.stderr);
    const catalogue = JSON.parse(listed.stdout) as {
      kernels: { name: string; versions: string[] }[];
    };
    const series = catalogue.kernels.find((k) => k.versions.length >= 3);
    if (!series) return this.skip();
    const versions = [...series.versions].sort(compareDebianVersions);
    const pins = versions.map((v) => `${series.name}@${v}`);
    const firstBad = pins[pins.length - 2] as string;
    const logs = await made("harness-bisect-logs-");
    const result = await harness(
      [
        "bisect",
        "--cases",
        cases,
        "--platform",
        "qemu",
        "--logs",
        logs,
        "--series",
        series.name,
        "--repeat",
        "1",
      ],
      { env: { BAD_KERNELS: pins.slice(-2).join(" "), FLAKY_KERNELS: "" } },
    );
    assert.equal(result.exitCode, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        `^first bad kernel: ${literal(firstBad)} \\(the one before it, ${literal(pins[pins.length - 3] as string)}, passes\\)$`,
        "m",
      ),
    );
  });

  it("says what is wrong with its arguments (exit 2)", async () => {
    const one = await harness([
      "bisect",
      "--cases",
      cases,
      "--platform",
      "qemu",
      "--kernel",
      "debian-6.1",
    ]);
    assert.equal(one.exitCode, 2);
    assert.match(
      one.stderr,
      /needs at least two different kernels, oldest first; got \["debian-6\.1"\]/,
    );
    const noPlatform = await harness([
      "bisect",
      "--cases",
      cases,
      "--kernel",
      "debian-6.1,debian-6.12",
    ]);
    assert.equal(noPlatform.exitCode, 2);
    assert.match(noPlatform.stderr, /needs --platform/);
    const both = await harness([
      "bisect",
      "--cases",
      cases,
      "--platform",
      "qemu",
      "--series",
      "debian-6.1",
      "--kernel",
      "debian-6.1,debian-6.12",
    ]);
    assert.equal(both.exitCode, 2);
    assert.match(both.stderr, /takes --kernel or --series, not both/);
  });
});
