// A cell's files on the runner: the image from the runner's cache (sent only when missing), and
// a fresh cell folder holding the cell's writable disks: blank ones made there at their size
// (a sparse 20G disk is not worth sending), others copied from the cache.
import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { shellQuote } from "../../harness/util/shell-quote.ts";
import { HarnessError } from "../../harness/errors.ts";
import type { BootImage } from "../types.ts";
import { ensureBlob, type BlobStore } from "./blobs.ts";
import { howItEnded, type RunnerConnection } from "./connection.ts";
import { shCommand } from "./wrapper.ts";

/** Where a cell's files are on the runner. */
export interface RemoteCell {
  /** The cell folder, absolute; the wrapper removes it when qemu ends. */
  dir: string;
  image: BootImage;
  disks: string[];
}

/** Sends what the runner lacks and makes the cell folder; `workDir` is the runner's work folder. */
export async function prepareCell(
  connection: RunnerConnection,
  store: BlobStore,
  workDir: string,
  request: { image: BootImage; disks?: readonly string[]; signal: AbortSignal },
  log: (line: string) => void,
): Promise<RemoteCell> {
  const send = (file: string) => ensureBlob(connection, store, file, request.signal, log);
  const { image } = request;
  const remoteImage: BootImage = image.disk
    ? { ...image, disk: await send(image.disk) }
    : { ...image, kernel: await send(image.kernel), initrd: await send(image.initrd) };
  const dir = `${workDir}/cells/${randomUUID()}`;
  const steps = [`mkdir -p ${shellQuote(dir)}`];
  const disks: string[] = [];
  for (const [index, disk] of (request.disks ?? []).entries()) {
    const target = `${dir}/disk${index}.raw`;
    const info = await stat(disk);
    if (info.blocks === 0) steps.push(`truncate -s ${info.size} ${shellQuote(target)}`);
    else steps.push(`cp ${shellQuote(await send(disk))} ${shellQuote(target)}`);
    disks.push(target);
  }
  const made = await connection.run(shCommand(steps.join(" && ")), {
    what: "making the cell folder",
    signal: request.signal,
  });
  if (made.code !== 0) {
    throw new HarnessError(
      "EREMOTE",
      `cannot make the cell folder ${dir} on ${connection.name}: ${made.stderr.trim() || howItEnded(made)}`,
      { hint: "check the runner's free disk space in its work folder (dir: in harness.yml)" },
    );
  }
  log(`cell folder ${dir}`);
  return { dir, image: remoteImage, disks };
}
