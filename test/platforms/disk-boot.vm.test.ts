import assert from "node:assert/strict";
import { buildContext } from "../../harness/builder/context.ts";
import { join } from "node:path";
import { qemuPlatform } from "../../platforms/qemu/index.ts";
import { REPO, harness, tempDir } from "../helpers/cli.ts";

// What GCP boots is a raw BIOS disk; the same disk boots here through qemu's firmware, no -kernel.
describe("qemu disk boot", function () {
  this.timeout(300_000);

  it("boots a raw-bios disk through SeaBIOS and syslinux to the banner and a poweroff", async () => {
    const out = await tempDir();
    const built = await harness([
      "build",
      join(REPO, "cases", "examples", "minimal.yml"),
      "--format",
      "raw-bios",
      "-o",
      out,
    ]);
    assert.equal(built.exitCode, 0, built.stderr);
    const stateDir = await tempDir();
    await using machine = await qemuPlatform.boot({
      arch: "x86_64",
      image: { kernel: "", initrd: "", cmdline: "", disk: join(out, "minimal-bios.img") },
      memoryMiB: 512,
      cpus: 1,
      stateDir,
      cacheDir: buildContext(process.env).cacheDir,
      env: process.env,
      signal: new AbortController().signal,
    });
    let console = "";
    machine.console.on("data", (chunk: Buffer) => (console += chunk.toString()));
    // The console's last lines may still be in its pipe when qemu is gone: read until it closes.
    const consoleClosed = new Promise((resolve) => machine.console.once("close", resolve));
    const exit = await Promise.race([
      Promise.all([machine.exited, consoleClosed]).then(([exited]) => exited),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`no poweroff:\n${console.slice(-2000)}`)),
          240_000,
        ).unref(),
      ),
    ]);
    assert.equal(exit.code, 0);
    assert.match(
      console,
      /command line: .*console=ttyS0 panic=-1/i,
      "the command line came from syslinux.cfg on the disk",
    );
    assert.match(console, /harness-init: booted minimal/);
    assert.match(console, /reboot: Power down/);
    assert.doesNotMatch(machine.commandLine.join(" "), /-kernel/);
  });
});
