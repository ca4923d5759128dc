import assert from "node:assert/strict";
import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { execa } from "execa";
import type { HarnessError } from "../../../harness/errors.ts";
import { createHyperkitPlatform, hyperkitPlatform } from "../../../platforms/hyperkit/index.ts";
import { hyperkitCommandLine } from "../../../platforms/hyperkit/command-line.ts";
import type { BootRequest, BootedMachine } from "../../../platforms/types.ts";
import {
  HYPERKIT,
  STAND_IN_DIR,
  VPNKIT,
  cellWithImage,
  standInsMentioning,
  vpnkitFolder,
} from "./stand-in.ts";

const MARKER = "a1b2c3d4e5f6";
const standIn = createHyperkitPlatform({ binary: HYPERKIT, vpnkit: VPNKIT, network: "vpnkit" });

async function request(
  cmdline: string,
  overrides: Partial<BootRequest> = {},
): Promise<BootRequest> {
  const { dir, image } = await cellWithImage(`harness.marker=${MARKER} ${cmdline}`.trim());
  return {
    arch: "x86_64",
    image,
    memoryMiB: 512,
    cpus: 1,
    stateDir: dir,
    cacheDir: dir,
    env: process.env,
    signal: new AbortController().signal,
    ...overrides,
  };
}

function recorded(name: string): Promise<string> {
  return readFile(join(STAND_IN_DIR, "recording", name), "latin1");
}

function vpnkitDir(machine: BootedMachine): string {
  return vpnkitFolder(machine.commandLine.join(" "));
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function gone(path: string): Promise<boolean> {
  return !(await stat(path).catch(() => undefined));
}

describe("hyperkit platform", function () {
  this.timeout(60_000);

  it("says on Linux that hyperkit runs only on macOS", async () => {
    const probe = await hyperkitPlatform.probe({ cacheDir: "/tmp", env: process.env });
    assert.equal(probe.available, false);
    assert.deepEqual(probe.arches, []);
    assert.match(
      probe.reason ?? "",
      /^hyperkit runs only on macOS \(this host is linux\); .*--platform qemu/,
    );
  });

  it("refuses to boot on Linux unless an executable is named", async () => {
    const linux = createHyperkitPlatform({ hostOs: "linux" });
    await assert.rejects(linux.boot(await request("")), (error: HarnessError) => {
      assert.equal(error.code, "EHYPERKITHOST");
      assert.match(error.hint ?? "", /HARNESS_HYPERKIT/);
      return true;
    });
  });

  it("streams the console from com1 and the results from com2, then leaves nothing behind", async () => {
    const req = await request("");
    await using machine = await standIn.boot(req);
    const [consoleText, results, exit] = await Promise.all([
      text(machine.console),
      text(machine.results ?? assert.fail("no results stream")),
      machine.exited,
    ]);
    await machine.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.equal(results, await recorded("com2.tap"));
    assert.equal(consoleText, await recorded("com1.txt"));
    assert.match(consoleText, /harness-init: booted /);
    assert.doesNotMatch(consoleText, /TAP version/);
    assert.equal(machine.accelerator, "hvf");
    const state = join(req.stateDir, "hyperkit");
    assert.ok(await gone(join(state, "hyperkit.pid")), "the pidfile is gone");
    assert.ok(await gone(vpnkitDir(machine)), "the vpnkit sockets are gone");
    assert.match(await readFile(join(state, "uuid"), "utf8"), /^[0-9a-f-]{36}\n$/);
    assert.match(await readFile(join(req.stateDir, "hyperkit.log"), "utf8"), /COM1 connected to /);
    const byHand = await readFile(join(req.stateDir, machine.commandFile ?? ""), "utf8");
    assert.match(byHand, /^# first: vpnkit --ethernet \S+eth\.sock &\n.*\/hyperkit -A -u -F /);
    assert.deepEqual(await standInsMentioning(req.stateDir), []);
  });

  it("without a results port, the console carries the results with the run's marker", async () => {
    await using machine = await standIn.boot(await request("", { resultsChannel: false }));
    const consoleText = await text(machine.console);
    await machine.stop();
    assert.equal(machine.results, undefined);
    assert.ok(!machine.commandLine.some((arg) => arg.startsWith("com2")), "no com2 port");
    const marked = consoleText
      .split("\r\n")
      .filter((line) => line.startsWith(`@@harness-results:${MARKER}@@ `));
    assert.deepEqual(
      marked.map((line) => line.slice(`@@harness-results:${MARKER}@@ `.length)),
      (await recorded("com2.tap")).trimEnd().split("\n"),
    );
  });

  it("stop() kills a guest that ignores SIGTERM, its vpnkit too", async () => {
    const req = await request("standin.hang standin.ignore-term");
    await using machine = await standIn.boot(req);
    let consoleText = "";
    machine.console.on("data", (chunk: Buffer) => (consoleText += chunk.toString("latin1")));
    await waitFor("the banner", () => consoleText.includes("harness-init: powering off"));
    assert.notDeepEqual(await standInsMentioning(req.stateDir), [], "the stand-in is running");
    const started = Date.now();
    await machine.stop();
    const exit = await machine.exited;
    assert.equal(exit.signal, "SIGKILL", "SIGTERM was ignored, so SIGKILL ended it");
    assert.ok(Date.now() - started >= 1500, "SIGKILL came after the grace period");
    assert.deepEqual(await standInsMentioning(req.stateDir), []);
    assert.ok(await gone(join(req.stateDir, "hyperkit", "hyperkit.pid")));
    assert.ok(await gone(vpnkitDir(machine)));
  });

  it("aborting the boot's signal, or disposing the machine, stops it", async () => {
    const controller = new AbortController();
    const aborted = await request("standin.hang", { signal: controller.signal });
    await using machine = await standIn.boot(aborted);
    controller.abort(new Error("cell cancelled"));
    assert.deepEqual(await machine.exited, { code: null, signal: "SIGTERM" });
    await machine.stop();
    assert.deepEqual(await standInsMentioning(aborted.stateDir), []);

    const disposed = await request("standin.hang");
    {
      await using running = await standIn.boot(disposed);
      assert.equal(running.accelerator, "hvf");
      assert.notDeepEqual(await standInsMentioning(disposed.stateDir), []);
    }
    assert.deepEqual(await standInsMentioning(disposed.stateDir), []);
  });

  it("writes console input to com1", async () => {
    await using machine = await standIn.boot(await request("standin.hang"));
    let consoleText = "";
    machine.console.on("data", (chunk: Buffer) => (consoleText += chunk.toString("latin1")));
    await waitFor("the replay", () => consoleText.includes("harness-init: powering off"));
    machine.sendToConsole("poweroff\n");
    await waitFor("the answer", () => consoleText.includes("stand-in got: poweroff"));
    await machine.stop();
  });

  it("kills a hyperkit a crashed harness left in the state folder, found by its pidfile", async () => {
    const req = await request("standin.hang");
    const state = join(req.stateDir, "hyperkit");
    await mkdir(state, { recursive: true });
    const argv = hyperkitCommandLine({
      binary: HYPERKIT,
      arch: "x86_64",
      image: req.image,
      memoryMiB: 512,
      cpus: 1,
      disks: [],
      network: { mode: "none" },
      stateDir: state,
      uuid: "6f1c3a52-2d8e-4b7a-9c1e-0a5b7d3e9f21",
      resultsPort: false,
    });
    const [binary = "", ...args] = argv;
    const leftover = execa(binary, args, { detached: true, stdin: "ignore", reject: false });
    try {
      await waitForFile(join(state, "hyperkit.pid"));
      await using machine = await standIn.boot(req);
      const exit = await leftover;
      assert.equal(exit.signal, "SIGTERM", "the leftover was stopped before the new boot");
      assert.deepEqual(await standInsMentioning(req.stateDir), [
        Number(await readFile(join(state, "hyperkit.pid"), "utf8")),
      ]);
      assert.ok(machine.commandLine.includes(join(state, "hyperkit.pid")));
    } finally {
      leftover.kill("SIGKILL");
    }
    assert.deepEqual(await standInsMentioning(req.stateDir), []);
  });

  it("fails with hyperkit's own words when it exits at start, and cleans up", async () => {
    const req = await request("");
    const broken = createHyperkitPlatform({
      binary: HYPERKIT,
      network: "vpnkit,/nonexistent/eth.sock",
    });
    await assert.rejects(broken.boot(req), (error: HarnessError) => {
      assert.equal(error.code, "EHYPERKITPTY");
      assert.match(
        error.message,
        /exited before it wrote the pty name .*tty1; hyperkit said: .*virtio-vpnkit: cannot connect to \/nonexistent\/eth\.sock/,
      );
      assert.match(error.hint ?? "", /hyperkit\.cmdline .*hyperkit\.log/);
      return true;
    });
    assert.deepEqual(await standInsMentioning(req.stateDir), []);
  });
});

describe("hyperkit stand-in", () => {
  it("refuses options hyperkit does not know, as hyperkit does", async () => {
    const result = await execa(HYPERKIT, ["-Z", "-f", "kexec,/k,/i,"], { reject: false });
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /option -Z not recognized[\s\S]*Usage: hyperkit/);
    const device = await execa(HYPERKIT, ["-s", "3:0,virtio-gpu", "-f", "kexec,/k,/i,"], {
      reject: false,
    });
    assert.match(device.stderr, /unknown device "virtio-gpu"/);
    const version = await execa(HYPERKIT, ["-v"], { reject: false });
    assert.equal(version.exitCode, 0);
    assert.match(version.stderr, /^hyperkit: v/);
  });
});

async function waitForFile(path: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (await gone(path)) {
    if (Date.now() > deadline) assert.fail(`${path} never appeared`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
