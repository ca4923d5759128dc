// The guest's half of hyperkit's results port, for real: an image with the harness init boots
// under qemu with two 8250 serial ports, as hyperkit gives it com1 and com2, and the kernel
// command line hyperkit's platform writes; the TAP must arrive on the second port byte for byte.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { kernelCmdline } from "../../../platforms/hyperkit/command-line.ts";
import { machineArgs } from "../../../platforms/qemu/command-line.ts";
import { harness, tempDir } from "../../helpers/cli.ts";
import { STAND_IN_DIR } from "./stand-in.ts";

describe("the harness init on a guest with a serial results port (hyperkit's com2)", function () {
  this.timeout(600_000);

  it("writes raw TAP to ttyS1 and keeps it off the console", async () => {
    const dir = await tempDir("harness-com2-");
    const yaml = join(STAND_IN_DIR, "cases", "010_serial_results", "test.yml");
    const build = await harness(["build", yaml, "--arch", "x86_64", "-o", dir, "--name", "image"]);
    assert.equal(build.exitCode, 0, build.stderr);
    const imageCmdline = (await readFile(join(dir, "image-cmdline"), "utf8")).trim();
    const com2 = join(dir, "com2.out");
    const guest = await execa(
      "qemu-system-x86_64",
      [
        ...machineArgs("x86_64", "tcg"),
        ...["-m", "512", "-smp", "1", "-nodefaults", "-no-reboot", "-display", "none"],
        ...["-monitor", "none", "-serial", "stdio", "-serial", `file:${com2}`],
        ...["-kernel", join(dir, "image-kernel"), "-initrd", join(dir, "image-initrd.img")],
        ...["-append", kernelCmdline(`${imageCmdline} harness.marker=0123456789ab`, true)],
      ],
      { reject: false, timeout: 300_000, stdin: "ignore" },
    );
    assert.equal(guest.exitCode, 0, String(guest.stderr));
    const consoleText = String(guest.stdout);
    assert.match(consoleText, /harness-init: booted image kernel \S+ on x86_64/);
    assert.match(consoleText, /harness-init: onboot 000-check exited 0/);
    assert.doesNotMatch(consoleText, /TAP version|@@harness-results/);
    const tap = await readFile(com2, "latin1");
    assert.equal(tap, await readFile(join(STAND_IN_DIR, "recording", "com2.tap"), "latin1"));
  });
});
