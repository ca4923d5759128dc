import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import runSchema from "../../harness/results/run.schema.json" with { type: "json" };
import type {
  CellRecord,
  KernelFindingRecord,
  RunRecord,
} from "../../harness/results/run-record.ts";
import { REPO, harness, tempDir } from "../helpers/cli.ts";

// Guests that pass their TAP, then print a kernel report through /dev/kmsg just before poweroff:
// the kernel puts it on the console like its own, so the whole console path is real.
const CASES = join(REPO, "test", "fixtures", "kernel-findings");
const validateRun = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(
  runSchema,
);

function cell(record: RunRecord, name: string, arch: string): CellRecord {
  const found = record.cells.find((c) => c.case === `kf.${name}` && c.arch === arch);
  assert.ok(found, `no cell kf.${name} on ${arch}`);
  return found;
}

function findings(c: CellRecord): KernelFindingRecord[] {
  return c.attempts.at(-1)?.kernelFindings ?? [];
}

describe("kernel findings on real guests (TCG)", function () {
  this.timeout(900_000);
  let record: RunRecord;
  let stdout: string;
  let exitCode: number | undefined;
  let junit: string;
  let page: string;

  before(async () => {
    const logs = await tempDir("harness-kf-");
    const result = await harness([
      "run",
      "--cases",
      CASES,
      "--platform",
      "qemu",
      "--arch",
      "x86_64,aarch64",
      "--logs",
      logs,
      "--run-id",
      "kf",
      "--parallel",
      "2",
    ]);
    stdout = result.stdout;
    exitCode = result.exitCode;
    record = JSON.parse(await readFile(join(logs, "kf", "run.json"), "utf8")) as RunRecord;
    junit = await readFile(join(logs, "kf", "junit.xml"), "utf8");
    page = await readFile(join(logs, "kf", "index.html"), "utf8");
  });

  it("writes a valid run record and exits 1 for the failed cells", () => {
    assert.ok(validateRun(record), JSON.stringify(validateRun.errors));
    assert.equal(exitCode, 1, stdout);
  });

  for (const arch of ["x86_64", "aarch64"]) {
    const traceLine =
      arch === "aarch64" ? /^\[\s*\d+\.\d+\] pc : lkdtm_/ : /^\[\s*\d+\.\d+\] RIP: 0010:/;

    it(`fails a cell whose TAP passed when the kernel printed a WARNING before poweroff (${arch})`, () => {
      const c = cell(record, "warning", arch);
      assert.equal(c.status, "fail", c.reasons.join("\n"));
      assert.deepEqual([c.testCounts.pass, c.testCounts.fail], [1, 0]);
      assert.match(
        c.reasons.join("\n"),
        /^kernel WARNING at \+\d+\.\ds: WARNING: CPU: 0 PID: 1 at drivers\/misc\/lkdtm\/bugs\.c:89 /m,
      );
      const [warning, ...others] = findings(c);
      assert.deepEqual(others, [], "the test's own WARNING-looking output is not a finding");
      assert.equal(warning?.class, "warning");
      assert.match(warning?.excerpt[0] ?? "", /\[ cut here \]/);
      assert.ok(
        warning?.excerpt.some((line) => traceLine.test(line)),
        warning?.excerpt.join("\n"),
      );
      assert.match(warning?.excerpt.at(-1) ?? "", /---\[ end trace 0{16} \]---$/);
      assert.ok((warning?.kernelTimeS ?? 0) > 0 && (warning?.atMs ?? 0) > 0);
      assert.match(
        stdout,
        new RegExp(`^FAIL .*kf\\.warning/qemu-${arch}-.*\\n {10}kernel WARNING at`, "m"),
      );
    });

    it(`passes the same WARNING when the case allows it, and still records it (${arch})`, () => {
      const c = cell(record, "warning_allowed", arch);
      assert.equal(c.status, "pass", c.reasons.join("\n"));
      const [warning, ...others] = findings(c);
      assert.deepEqual(others, []);
      assert.equal(warning?.class, "warning");
      assert.deepEqual(warning?.allowedBy, {
        pattern: "at drivers/misc/lkdtm/bugs\\.c:\\d+ lkdtm_WARNING\\+",
        reason: "the case provokes this WARNING on purpose",
      });
      assert.match(
        stdout,
        /allowed \(the case provokes this WARNING on purpose\): kernel WARNING at/,
      );
    });

    it(`fails a cell whose TAP passed when the kernel printed a BUG (${arch})`, () => {
      const c = cell(record, "bug", arch);
      assert.equal(c.status, "fail", c.reasons.join("\n"));
      assert.deepEqual([c.testCounts.pass, c.testCounts.fail], [1, 0]);
      assert.match(
        c.reasons.join("\n"),
        /^kernel BUG at \+\d+\.\ds: kernel BUG at drivers\/misc\/lkdtm\/bugs\.c:76!$/m,
      );
      const [bug, ...others] = findings(c);
      assert.deepEqual(others, [], "the oops header of the BUG is part of the same report");
      const header =
        arch === "aarch64"
          ? /\] Internal error: Oops - BUG: 00000000f2000800 \[#1\] SMP$/
          : /\] invalid opcode: 0000 \[#1\] PREEMPT SMP NOPTI$/;
      assert.ok(
        bug?.excerpt.some((line) => header.test(line)),
        bug?.excerpt.join("\n"),
      );
    });
  }

  it("puts the findings in junit.xml and the HTML report", () => {
    assert.match(
      junit,
      /<failure type="fail" message="kernel BUG at \+\d+\.\ds: kernel BUG at drivers\/misc\/lkdtm\/bugs\.c:76!"/,
    );
    assert.match(
      junit,
      /<system-out>kernel WARNING at [^<]*\(allowed: the case provokes this WARNING on purpose\)/,
    );
    assert.match(page, /Kernel findings/);
  });
});
