// The hyperkit and vpnkit stand-ins the hyperkit tests drive, and a way to find any left running.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO, tempDir } from "../../helpers/cli.ts";

/** The folder holding the stand-ins and the recorded guest they replay. */
export const STAND_IN_DIR = join(REPO, "test", "fixtures", "hyperkit");
/** The hyperkit stand-in. */
export const HYPERKIT = join(STAND_IN_DIR, "hyperkit");
/** The vpnkit stand-in. */
export const VPNKIT = join(STAND_IN_DIR, "vpnkit");

/** Pids of live stand-in processes (hyperkit or vpnkit) whose command line mentions `path`. */
export async function standInsMentioning(path: string): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "latin1").catch(() => "");
    const stat = await readFile(`/proc/${pid}/stat`, "latin1").catch(() => "");
    const zombie = / Z /.test(stat.slice(stat.lastIndexOf(")")));
    if (cmdline.includes(STAND_IN_DIR) && cmdline.includes(path) && !zombie) pids.push(Number(pid));
  }
  return pids;
}

/** A fresh cell folder and placeholder image files (the stand-in only checks that they exist). */
export async function cellWithImage(cmdline: string) {
  const dir = await tempDir("harness-hyperkit-");
  const image = {
    kernel: join(dir, "image-kernel"),
    initrd: join(dir, "image-initrd.img"),
    cmdline,
  };
  await writeFile(image.kernel, "kernel");
  await writeFile(image.initrd, "initrd");
  return { dir, image };
}

/** The folder of the vpnkit socket a hyperkit command line (or command file) connects to. */
export function vpnkitFolder(commandLine: string): string {
  const socket = /virtio-vpnkit,path=([^,\s]+)\/eth\.sock/.exec(commandLine)?.[1];
  if (!socket) throw new Error(`no vpnkit NIC in: ${commandLine}`);
  return socket;
}
