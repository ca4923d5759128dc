import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { HarnessError } from "../../../harness/errors.ts";
import { loadConfig } from "../../../harness/config/load.ts";
import { generateRunKeyPair } from "../../../harness/drivers/ssh/index.ts";
import type { RunRecord } from "../../../harness/results/run-record.ts";
import {
  parseRunnerAddress,
  runnerName,
  selectRunners,
  specFromConfig,
} from "../../../platforms/remote/spec.ts";
import { aarch64ProbeKernel, probeCommandLine } from "../../../platforms/remote/accel.ts";
import { REPO, harness, tempDir } from "../../helpers/cli.ts";
import { freePort } from "../../helpers/registry.ts";

const IMAGE_CASES = join(REPO, "test", "fixtures", "image-cases");

function rejectsWith(action: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof HarnessError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

describe("remote runner specs", () => {
  it("reads user@host[:port], port 22 by default, IPv6 in brackets", () => {
    assert.deepEqual(parseRunnerAddress("root@127.0.0.1:2222", "--host"), {
      user: "root",
      host: "127.0.0.1",
      port: 2222,
    });
    assert.deepEqual(parseRunnerAddress("ci@arm64-box.example", "--host"), {
      user: "ci",
      host: "arm64-box.example",
      port: 22,
    });
    const v6 = parseRunnerAddress("ci@[::1]:2200", "--host");
    assert.equal(v6.host, "::1");
    assert.equal(runnerName({ ...v6 }), "ci@[::1]:2200");
  });

  for (const bad of [
    "127.0.0.1:22",
    "root@",
    "root@box:0",
    "root@box:70000",
    "root@bo x",
    "@box",
  ]) {
    it(`refuses ${JSON.stringify(bad)}, naming it and where it came from`, () => {
      rejectsWith(
        () => parseRunnerAddress(bad, "--host"),
        "ERUNNER",
        new RegExp(
          `bad runner ${JSON.stringify(bad).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} in --host`,
        ),
      );
    });
  }

  it("takes key, arches, concurrency and folder from a harness.yml entry", () => {
    const spec = specFromConfig(
      { host: "ci@box:2022", key: "keys/runner", arch: ["arm64", "x86_64"], concurrency: 3 },
      "/project",
      "runners[0]",
    );
    assert.deepEqual(spec, {
      user: "ci",
      host: "box",
      port: 2022,
      keyPath: "/project/keys/runner",
      arches: ["aarch64", "x86_64"],
      concurrency: 3,
      dir: ".cache/harness-remote",
    });
    const home = specFromConfig({ host: "ci@box", key: "~/.ssh/ci", arch: "aarch64" }, "/p", "r");
    assert.equal(home.keyPath, join(homedir(), ".ssh/ci"));
    assert.deepEqual(home.arches, ["aarch64"]);
    assert.equal(home.concurrency, 1);
    rejectsWith(
      () => specFromConfig({ host: "ci@box", arch: "sparc" }, "/p", "runners[1]"),
      "EARCH",
      /"sparc" in runners\[1\] arch/,
    );
  });

  it("lets --host pick configured runners (keeping their settings) or name new ones", () => {
    const configured = [specFromConfig({ host: "ci@a:22", concurrency: 4, key: "/k/a" }, "/", "r")];
    const [known, fresh] = selectRunners(configured, ["ci@a", "root@b:2222"], {});
    assert.equal(known?.concurrency, 4);
    assert.equal(known?.keyPath, "/k/a");
    assert.deepEqual(fresh, {
      user: "root",
      host: "b",
      port: 2222,
      concurrency: 1,
      dir: ".cache/harness-remote",
    });
    const flagged = selectRunners(configured, [], { keyPath: "/k/flag", concurrency: 2 });
    assert.equal(flagged[0]?.keyPath, "/k/flag");
    assert.equal(flagged[0]?.concurrency, 2);
    rejectsWith(
      () => selectRunners([], ["ci@a", "ci@a:22"], {}),
      "ERUNNER",
      /ci@a:22 is named twice/,
    );
  });

  it("loads runners: from harness.yml and points at a bad host by line", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, "harness.yml"),
      "runners:\n  - host: ci@box:2222\n    key: id_runner\n    concurrency: 2\n",
    );
    const config = await loadConfig(dir);
    assert.deepEqual((config.sections.runners as unknown[] | undefined)?.[0], {
      user: "ci",
      host: "box",
      port: 2222,
      keyPath: join(dir, "id_runner"),
      concurrency: 2,
      dir: ".cache/harness-remote",
    });
    await writeFile(
      join(dir, "harness.yml"),
      "presets: {}\nrunners:\n  - host: box-without-user\n",
    );
    await assert.rejects(loadConfig(dir), (error: HarnessError) => {
      assert.equal(error.code, "ECONFIG");
      assert.match(
        error.describe(),
        /harness\.yml:3:\d+: bad runner "box-without-user" in runners\[0\] host/,
      );
      return true;
    });
    await writeFile(join(dir, "harness.yml"), "runners:\n  - host: ci@box\n    concurency: 2\n");
    await assert.rejects(loadConfig(dir), /concurency/);
  });
});

describe("harness run --platform remote, input errors and unhealthy runners", function () {
  this.timeout(600_000);

  it("exits 2 naming a bad --host value", async () => {
    const result = await harness([
      "run",
      "--cases",
      IMAGE_CASES,
      "vm.tap_flood",
      "--platform",
      "remote",
      "--host",
      "nobody",
    ]);
    assert.equal(result.exitCode, 2, result.stderr);
    assert.match(result.stderr, /bad runner "nobody" in --host/);
  });

  it("exits 2 for --host without --platform remote, and for remote without runners", async () => {
    const stray = await harness([
      "run",
      "--cases",
      IMAGE_CASES,
      "vm.tap_flood",
      "--platform",
      "qemu",
      "--host",
      "ci@box",
    ]);
    assert.equal(stray.exitCode, 2, stray.stderr);
    assert.match(stray.stderr, /--host is for --platform remote, which this run does not use/);
    const dir = await tempDir();
    await writeFile(join(dir, "harness.yml"), "presets: {}\n");
    const none = await harness([
      "run",
      "--cases",
      IMAGE_CASES,
      "vm.tap_flood",
      "--platform",
      "remote",
      "--config",
      join(dir, "harness.yml"),
    ]);
    assert.equal(none.exitCode, 2, none.stderr);
    assert.match(none.stderr, /--platform remote needs runner hosts, and none are named/);
  });

  it("takes a runner that fails its health check out of the rotation and errors the cells", async () => {
    const key = await generateRunKeyPair(await tempDir());
    const logs = await tempDir();
    const closed = await freePort();
    const result = await harness([
      "run",
      "--cases",
      IMAGE_CASES,
      "vm.tap_flood",
      "--platform",
      "remote",
      "--arch",
      "aarch64",
      "--host",
      `root@127.0.0.1:${closed}`,
      "--host-key",
      key.privateKeyPath,
      "--logs",
      logs,
      "--run-id",
      "r",
    ]);
    assert.equal(result.exitCode, 3, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`runner root@127\\.0\\.0\\.1:${closed} left the rotation: cannot connect`),
    );
    const record = JSON.parse(await readFile(join(logs, "r", "run.json"), "utf8")) as RunRecord;
    assert.equal(record.cells[0]?.status, "error");
    assert.match(
      record.cells[0]?.reasons.join("\n") ?? "",
      /no healthy remote runner takes aarch64 guests/,
    );
    assert.match(
      record.cells[0]?.reproduce ?? "",
      new RegExp(`--platform remote .*--host root@127\\.0\\.0\\.1:${closed}`),
    );
  });
});

describe("the remote KVM probe guest", () => {
  it("prints its text on an arm64 virt machine's UART (checked here under TCG)", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "probe.img"), aarch64ProbeKernel());
    const [binary = "", ...args] = probeCommandLine("aarch64", "tcg");
    const run = execa(binary, args, { cwd: dir, reject: false, all: true, stdin: "ignore" });
    let output = "";
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 20_000);
      run.all?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("KVM-OK")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    run.kill("SIGKILL");
    await run;
    assert.match(output, /KVM-OK/);
  });
});
