// What stands behind a fake Compute Engine instance: a real qemu guest booting the image's
// disk.raw through its BIOS, serial ports 1 and 2 written to files the serial-port API reads,
// and port 22 reachable on the instance's own loopback "external" address.
import { execa } from "execa";
import { mkdir, open, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { machineArgs } from "../../../platforms/qemu/command-line.ts";

/** A booted instance's guest. */
export interface InstanceVm {
  /** Settles when qemu is gone (the guest powered off or was killed). */
  exited: Promise<void>;
  /** Bytes of serial port `port` (1 or 2) from `start`, keeping only the last `ringBytes`. */
  serial(
    port: number,
    start: number,
    ringBytes: number,
  ): Promise<{ contents: string; start: number; next: number }>;
  /** Kills qemu and removes the instance's folder. */
  destroy(): Promise<void>;
}

/** Unpacks `tarball` (disk.raw in a tar.gz) into `dir` and boots it with `natIP`:22 forwarded. */
export async function bootInstanceVm(
  tarball: string,
  dir: string,
  natIP: string,
): Promise<InstanceVm> {
  await mkdir(dir, { recursive: true });
  await execa("tar", ["-xzSf", tarball, "-C", dir, "disk.raw"]);
  const serialFiles = [join(dir, "serial1.log"), join(dir, "serial2.log")];
  const qemu = execa(
    "qemu-system-x86_64",
    [
      ...machineArgs("x86_64", "tcg"),
      "-m",
      "512",
      "-smp",
      "1",
      "-nodefaults",
      "-no-user-config",
      "-display",
      "none",
      "-no-reboot",
      "-drive",
      `file=${join(dir, "disk.raw")},format=raw,if=virtio`,
      "-netdev",
      `user,id=net0,hostfwd=tcp:${natIP}:22-:22`,
      "-device",
      "virtio-net-pci,netdev=net0",
      "-device",
      "virtio-rng-pci",
      ...serialFiles.flatMap((file, i) => [
        "-chardev",
        `file,id=serial${i},path=${file}`,
        "-serial",
        `chardev:serial${i}`,
      ]),
    ],
    {
      reject: false,
      stdio: ["ignore", "ignore", "pipe"],
      env: { HARNESS_FAKE_GCP_VM: basename(dir) },
    },
  );
  const exited = qemu.then(() => undefined);
  return {
    exited,
    async serial(port, start, ringBytes) {
      const file = serialFiles[port - 1];
      const size = file ? ((await stat(file).catch(() => undefined))?.size ?? 0) : 0;
      const oldest = Math.max(0, size - ringBytes);
      const from = Math.min(Math.max(start, oldest), size);
      if (!file || from >= size) return { contents: "", start: from, next: size };
      const handle = await open(file, "r");
      try {
        const buffer = Buffer.alloc(Math.min(size - from, 1024 * 1024));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
        return {
          contents: buffer.subarray(0, bytesRead).toString("latin1"),
          start: from,
          next: from + bytesRead,
        };
      } finally {
        await handle.close();
      }
    },
    async destroy() {
      qemu.kill("SIGTERM");
      const timer = setTimeout(() => qemu.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
