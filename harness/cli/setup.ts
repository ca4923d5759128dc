// harness setup: installs the host packages running the harness needs (qemu, kmod, cpio, …)
// through apt-get, the same step the repository's ./setup takes before its test-only packages.
import { join } from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "../builder/context.ts";
import { EXIT, HarnessError } from "../errors.ts";
import type { Command } from "../util/command.ts";

/** `harness setup [--list]`. */
export const setupCommand: Command = {
  name: "setup",
  summary: "Install the Debian packages running needs (the hypervisor, kmod, cpio, …) with apt-get",
  usage: "harness setup [--list]",
  flags: [{ name: "list", type: "boolean", description: "print the packages and install nothing" }],
  async run(args, io) {
    const script = join(REPO_ROOT, "bin", "setup-host");
    const child = execa(script, args.bool("list") ? ["--list"] : [], {
      env: io.env,
      reject: false,
      stdin: "ignore",
      cancelSignal: io.signal,
    });
    child.stdout?.pipe(io.stdout, { end: false });
    child.stderr?.pipe(io.stderr, { end: false });
    const result = await child;
    if (result.isCanceled) return EXIT.interrupted;
    if (result.exitCode !== 0)
      throw new HarnessError(
        "ESETUP",
        `the host set-up failed (${script}: exit ${result.exitCode})`,
        {
          hint: "read the apt-get output above; run as root or with sudo available",
        },
      );
    if (!args.bool("list")) io.stdout.write("setup: ready; check the host with: harness doctor\n");
    return EXIT.ok;
  },
};
