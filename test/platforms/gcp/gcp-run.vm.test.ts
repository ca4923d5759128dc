import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunRecord, CellRecord } from "../../../harness/results/run-record.ts";
import { REPO, harness, startHarness, tempDir } from "../../helpers/cli.ts";
import { startFakeGcp, type FakeGcp } from "../../helpers/gcp/fake-gcp.ts";
import { processesWithEnv } from "../../helpers/processes.ts";

const IMAGE_CASES = join(REPO, "test", "fixtures", "image-cases");

async function runOnGcp(fake: FakeGcp, cases: string[], extra: string[] = []) {
  const logs = await tempDir("harness-gcp-");
  const result = await harness(gcpRunArgs(cases, logs, ["--run-id", "gcp", ...extra]), {
    env: fake.env,
  });
  const record = JSON.parse(await readFile(join(logs, "gcp", "run.json"), "utf8")) as RunRecord;
  return { result, record, logs };
}

function cell(record: RunRecord, name: string): CellRecord {
  const found = record.cells.find((c) => c.case === `vm.${name}`);
  assert.ok(found, `no cell vm.${name}: ${record.cells.map((c) => c.id).join(", ")}`);
  return found;
}

/** What a run must leave on "GCP": nothing, and no request that breaks Google's descriptions. */
function assertNothingLeft(fake: FakeGcp): void {
  assert.deepEqual(
    fake.instances().map((i) => i.name),
    [],
    "instances left behind",
  );
  assert.deepEqual(
    fake.images().map((i) => i.name),
    [],
    "images left behind",
  );
  assert.deepEqual(
    fake.objects().map((o) => o.name),
    [],
    "uploaded objects left behind",
  );
  assert.deepEqual(fake.violations, []);
}

describe("gcp platform against a local Compute Engine whose instances are qemu guests", function () {
  this.timeout(600_000);

  describe("a passing, a failing and an SSH case in one run, with an upload broken midway and serial 503s", () => {
    let fake: FakeGcp;
    let run: Awaited<ReturnType<typeof runOnGcp>>;

    before(async () => {
      fake = await startFakeGcp();
      fake.inject({ route: "objects.insert", breakAfterBytes: 3 * 1024 * 1024, times: 1 });
      fake.inject({ route: "Instances.GetSerialPortOutput", status: 503, times: 3 });
      run = await runOnGcp(
        fake,
        ["vm.tap_flood", "vm.failing_container", "vm.ssh"],
        ["--parallel", "2"],
      );
    });
    after(() => fake?.stop());

    it("passes the passing case with its TAP read from serial port 2 while port 1 floods", () => {
      const flood = cell(run.record, "tap_flood");
      assert.equal(flood.status, "pass", run.result.stdout);
      const names = flood.tests
        .flatMap((t) => [t, ...t.children])
        .map((t) => `${t.path.join(" > ")}:${t.outcome}`);
      assert.deepEqual(names, ["runc:pass", "runc > run:pass", "runc > exec:pass", "flood:pass"]);
      assert.equal(flood.attempts[0]?.machine?.accelerator, "gce");
    });

    it("fails the failing case and says which container", async () => {
      const failing = cell(run.record, "failing_container");
      assert.equal(failing.status, "fail");
      assert.match(JSON.stringify(failing), /unhappy container .* exited 3|exited 3/);
      assert.equal(run.result.exitCode, 1);
      const console = await readFile(
        join(
          run.logs,
          "gcp",
          "cells",
          "vm.failing_container",
          "gcp-x86_64-debian-6.1-cloud",
          "console.log",
        ),
        "utf8",
      );
      assert.match(console, /harness-init: booted/, "the console came through serial port 1");
    });

    it("drives the SSH case through the instance's external address with the run's key in metadata", async () => {
      const ssh = cell(run.record, "ssh");
      assert.equal(ssh.status, "pass", ssh.reasons.join("\n"));
      const log = await readFile(join(run.logs, "gcp", ssh.dir, "ssh.log"), "utf8");
      assert.match(log, /kernel \| 6\.1\.\d+-\d+-cloud-amd64/);
      const key = (await readFile(join(run.logs, "gcp", "ssh", "id_ed25519.pub"), "utf8")).trim();
      const keys = fake.inserted().map((i) => i.metadata.find((m) => m.key === "ssh-keys")?.value);
      assert.ok(
        keys.includes(`root:${key}`),
        `the run key went into an instance's metadata: ${keys.join(", ")}`,
      );
      for (const instance of fake.inserted()) {
        assert.equal(instance.labels.harness, "true");
        assert.equal(instance.labels["harness-run"], "gcp");
        assert.ok(
          instance.metadata.some((m) => m.key === "serial-port-enable" && m.value === "TRUE"),
        );
      }
    });

    it("resumed the broken upload instead of starting over, and retried the serial 503s", () => {
      const puts = fake.requests.filter((r) => r.method === "PUT" && r.route === "objects.insert");
      assert.ok(puts.length >= 2, `the resumable session was resumed: ${puts.length} PUTs`);
      const serial503 = fake.requests.filter(
        (r) => r.route === "Instances.GetSerialPortOutput" && r.status === 503,
      );
      assert.equal(serial503.length, 3);
    });

    it("uploaded each image once for the three cells that share a kernel but not an image", () => {
      const inserts = fake.requests.filter((r) => r.route === "Images.Insert");
      assert.equal(inserts.length, 3, "three different images, each created once");
    });

    it("leaves no instance, image or object behind, and every request matched Google's descriptions", () => {
      assertNothingLeft(fake);
    });
  });

  describe("failures: the run still leaves nothing behind", () => {
    let fake: FakeGcp;
    beforeEach(async () => (fake = await startFakeGcp()));
    afterEach(() => fake?.stop());

    it("an instance insert answering 500 makes the cell an error and deletes the run's image", async () => {
      fake.inject({ route: "Instances.Insert", status: 500, times: 10 });
      const { result, record } = await runOnGcp(fake, ["vm.tap_flood"], ["--retries", "0"]);
      assert.equal(result.exitCode, 3, result.stdout);
      const flood = cell(record, "tap_flood");
      assert.equal(flood.status, "error");
      assert.match(flood.reasons.join("\n"), /500|injected failure/);
      assert.equal(fake.requests.filter((r) => r.route === "Images.Insert").length, 1);
      assertNothingLeft(fake);
    });

    it("an upload that keeps failing makes the cell an error without an image or object", async () => {
      fake.inject({ route: "objects.insert", status: 503, times: 100 });
      const { result, record } = await runOnGcp(fake, ["vm.tap_flood"], ["--retries", "0"]);
      assert.equal(result.exitCode, 3, result.stdout);
      assert.match(cell(record, "tap_flood").reasons.join("\n"), /pushing .* failed/);
      assert.equal(fake.requests.filter((r) => r.route === "Images.Insert").length, 0);
      assertNothingLeft(fake);
    });

    it("Ctrl-C while the instance boots stops the run and deletes the instance and the image", async () => {
      const { child } = await hangingRunBooted(fake);
      child.kill("SIGINT");
      const result = await child;
      assert.equal(result.exitCode, 130, String(result.all));
      assertNothingLeft(fake);
      const name = fake.inserted()[0]?.name ?? "";
      assert.deepEqual(
        await processesWithEnv(`HARNESS_FAKE_GCP_VM=instance-${name}`),
        [],
        "the guest is gone",
      );
    });

    it("a killed harness leaves its instance and image to `harness gcp gc`, which removes them by label and age", async () => {
      const { child } = await hangingRunBooted(fake);
      child.kill("SIGKILL");
      await child;
      assert.equal(fake.instances().length, 1, "nobody cleaned up after a SIGKILL");
      assert.equal(fake.images().length, 1);

      const young = await harness(["gcp", "gc", "--older-than", "1h"], { env: fake.env });
      assert.equal(young.exitCode, 0, young.stderr);
      assert.match(young.stdout, /0 instances and 0 images deleted/);
      const dry = await harness(["gcp", "gc", "--older-than", "0s", "--dry-run"], {
        env: fake.env,
      });
      assert.match(dry.stdout, /would delete instance harness-\d{8}-[\w-]+\n.*would be deleted/s);
      assert.equal(fake.instances().length, 1, "a dry run deletes nothing");

      const gc = await harness(["gcp", "gc", "--older-than", "0s"], { env: fake.env });
      assert.equal(gc.exitCode, 0, gc.stderr);
      assert.match(gc.stdout, /1 instances and 1 images deleted/);
      assertNothingLeft(fake);
    });
  });
});

/** Starts a run of a guest that never finishes and waits until its instance is running. */
async function hangingRunBooted(
  fake: FakeGcp,
): Promise<{ child: ReturnType<typeof startHarness> }> {
  const logs = await tempDir("harness-gcp-");
  const child = startHarness(gcpRunArgs(["vm.hang"], logs), { env: fake.env });
  await until(() => fake.instances().some((i) => i.status === "RUNNING"), 240_000);
  // Wrapped: the child is a promise of its result, and returning it bare would wait for the end.
  return { child };
}

/** `harness run CASES` of the image fixtures on gcp with the cloud kernel, logs in `logs`. */
function gcpRunArgs(cases: string[], logs: string, extra: string[] = []): string[] {
  const target = ["--platform", "gcp", "--kernel", "debian-6.1-cloud"];
  return ["run", ...cases, "--cases", IMAGE_CASES, ...target, "--logs", logs, ...extra];
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
