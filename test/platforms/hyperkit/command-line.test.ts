import assert from "node:assert/strict";
import { HarnessError } from "../../../harness/errors.ts";
import {
  hyperkitCommandLine,
  kernelCmdline,
  shellLine,
  type HyperkitInput,
} from "../../../platforms/hyperkit/command-line.ts";
import { parseNetwork } from "../../../platforms/hyperkit/settings.ts";

const UUID = "6f1c3a52-2d8e-4b7a-9c1e-0a5b7d3e9f21";

function input(overrides: Partial<HyperkitInput> = {}): HyperkitInput {
  return {
    binary: "hyperkit",
    arch: "x86_64",
    image: { kernel: "/img/k", initrd: "/img/i.img", cmdline: "harness.marker=abc" },
    memoryMiB: 512,
    cpus: 1,
    disks: [],
    network: { mode: "vpnkit", socket: "/tmp/hk-1/eth.sock", uuid: UUID },
    stateDir: "/cells/a/hyperkit",
    uuid: UUID,
    resultsPort: true,
    ...overrides,
  };
}

/** The value after each occurrence of `flag`. */
function values(argv: readonly string[], flag: string): string[] {
  return argv.flatMap((arg, i) => (arg === flag ? [argv[i + 1] ?? ""] : []));
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HarnessError, String(error));
    return error.code;
  }
  assert.fail("expected a HarnessError");
}

describe("hyperkit command line", () => {
  it("builds LinuxKit's command line for a default request", () => {
    assert.deepEqual(hyperkitCommandLine(input()), [
      "hyperkit",
      "-A",
      "-u",
      "-F",
      "/cells/a/hyperkit/hyperkit.pid",
      "-c",
      "1",
      "-m",
      "512M",
      "-s",
      "0:0,hostbridge",
      "-s",
      "31,lpc",
      "-s",
      `1:0,virtio-vpnkit,path=/tmp/hk-1/eth.sock,uuid=${UUID}`,
      "-s",
      "2:0,virtio-rnd",
      "-l",
      "com1,autopty=/cells/a/hyperkit/tty1,log=/cells/a/hyperkit/console-ring",
      "-l",
      "com2,autopty=/cells/a/hyperkit/tty2",
      "-U",
      UUID,
      "-f",
      "kexec,/img/k,/img/i.img,earlyprintk=serial,ttyS0 console=ttyS0 harness.marker=abc harness.results=ttyS1 panic=-1",
    ]);
  });

  it("passes memory and cpus through", () => {
    const argv = hyperkitCommandLine(input({ memoryMiB: 2048, cpus: 4 }));
    assert.deepEqual(values(argv, "-m"), ["2048M"]);
    assert.deepEqual(values(argv, "-c"), ["4"]);
  });

  it("puts each extra disk on its own virtio-blk slot after the NIC", () => {
    const argv = hyperkitCommandLine(
      input({ disks: ["/cells/a/disk0.raw", "/cells/a/disk1.raw"] }),
    );
    assert.deepEqual(values(argv, "-s").slice(2), [
      `1:0,virtio-vpnkit,path=/tmp/hk-1/eth.sock,uuid=${UUID}`,
      "2:0,virtio-blk,/cells/a/disk0.raw",
      "3:0,virtio-blk,/cells/a/disk1.raw",
      "4:0,virtio-rnd",
    ]);
  });

  it("uses vmnet's virtio-net, or no NIC at all, instead of vpnkit", () => {
    const vmnet = values(hyperkitCommandLine(input({ network: { mode: "vmnet" } })), "-s");
    assert.deepEqual(vmnet.slice(2), ["1:0,virtio-net", "2:0,virtio-rnd"]);
    assert.ok(!vmnet.some((s) => s.includes("vpnkit")));
    const none = values(hyperkitCommandLine(input({ network: { mode: "none" } })), "-s");
    assert.deepEqual(none.slice(2), ["1:0,virtio-rnd"]);
  });

  it("leaves com2 out and sends no results port to the guest when results share the console", () => {
    const argv = hyperkitCommandLine(input({ resultsPort: false }));
    assert.deepEqual(values(argv, "-l"), [
      "com1,autopty=/cells/a/hyperkit/tty1,log=/cells/a/hyperkit/console-ring",
    ]);
    assert.doesNotMatch(values(argv, "-f")[0] ?? "", /harness\.results/);
  });

  it("keeps the image's kernel command line whole, commas, quotes and spaces included", () => {
    const cmdline = `init=/init quiet x="a b" list=1,2,3 it's`;
    const argv = hyperkitCommandLine(input({ image: { kernel: "/k", initrd: "/i", cmdline } }));
    const firmware = values(argv, "-f")[0] ?? "";
    assert.equal(firmware.split(",").slice(0, 3).join(","), "kexec,/k,/i");
    assert.equal(firmware.split(",").slice(3).join(","), kernelCmdline(cmdline, true));
    assert.match(firmware, /list=1,2,3 it's harness\.results=ttyS1 panic=-1$/);
    assert.match(
      shellLine(argv),
      / -f 'kexec,\/k,\/i,earlyprintk=serial,ttyS0 console=ttyS0 init=\/init quiet x="a b" list=1,2,3 it'\\''s /,
    );
  });

  it("keeps the image's own console and panic settings", () => {
    assert.equal(
      kernelCmdline("console=ttyS0,115200 panic=5", false),
      "earlyprintk=serial,ttyS0 console=ttyS0,115200 panic=5",
    );
  });

  it("refuses aarch64, a raw disk image, and paths hyperkit would cut at a comma", () => {
    assert.equal(
      code(() => hyperkitCommandLine(input({ arch: "aarch64" }))),
      "EHYPERKITARCH",
    );
    const disk = { kernel: "/k", initrd: "/i", cmdline: "", disk: "/d.raw" };
    assert.equal(
      code(() => hyperkitCommandLine(input({ image: disk }))),
      "EHYPERKITFORMAT",
    );
    assert.equal(
      code(() => hyperkitCommandLine(input({ disks: ["/a,b.raw"] }))),
      "EHYPERKITPATH",
    );
    assert.equal(
      code(() => hyperkitCommandLine(input({ stateDir: "/c,d" }))),
      "EHYPERKITPATH",
    );
    const many = Array.from({ length: 29 }, (_, i) => `/d${i}.raw`);
    assert.equal(
      code(() => hyperkitCommandLine(input({ disks: many }))),
      "EHYPERKITSLOTS",
    );
  });

  it("reads the networking mode as LinuxKit spells it", () => {
    assert.deepEqual(parseNetwork("vpnkit"), { mode: "vpnkit" });
    assert.deepEqual(parseNetwork("vpnkit,/s.sock"), { mode: "vpnkit-socket", socket: "/s.sock" });
    assert.deepEqual(parseNetwork("vmnet"), { mode: "vmnet" });
    assert.equal(
      code(() => parseNetwork("docker-for-mac")),
      "EHYPERKITNET",
    );
  });
});
