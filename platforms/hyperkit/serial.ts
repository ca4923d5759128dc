// hyperkit's serial ports as streams. With `autopty=FILE` hyperkit opens a pty and writes the
// name of its other end into FILE; the harness opens that end in raw mode (no echo back into the
// guest, no line editing), reads it through the event loop, and writes console input to it.
import { constants, createWriteStream, openSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { ReadStream } from "node:tty";
import { PassThrough, type Readable } from "node:stream";
import { HarnessError } from "../../harness/errors.ts";

/** One serial port, open on the harness's side. */
export interface SerialPort {
  /** Everything the guest writes to the port; ends when hyperkit closes it. */
  output: Readable;
  /** Writes to the guest's side of the port. */
  write(text: string): void;
  /** Stops reading and releases the pty. */
  close(): void;
}

const POLL_MS = 20;

/** Waits until hyperkit has written a pty name into `file`; fails early when `gone` settles first. */
export async function waitForPtyName(
  file: string,
  timeoutMs: number,
  gone: Promise<unknown>,
): Promise<string> {
  let exited = false;
  void gone.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const name = (await readFile(file, "utf8").catch(() => "")).trim();
    if (name !== "") return name;
    if (exited || Date.now() > deadline) {
      throw new HarnessError(
        "EHYPERKITPTY",
        `hyperkit ${exited ? "exited before it wrote" : `did not write within ${timeoutMs / 1000}s`} the pty name into ${file}`,
        { hint: "see hyperkit.log in the cell folder for why it did not start" },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Opens the pty `path` (a name hyperkit wrote) for reading and writing. */
export function openSerialPort(path: string): SerialPort {
  const flags = constants.O_RDWR | constants.O_NOCTTY;
  const readFd = openSync(path, flags);
  const writeFd = openSync(path, flags);
  const reader = new ReadStream(readFd);
  // Raw before anything arrives: a cooked pty would echo guest output back in as guest input.
  reader.setRawMode(true);
  // Not a tty.WriteStream: that writes synchronously, and a guest not reading its serial input
  // would then block the whole harness once the pty's buffer is full.
  const writer = createWriteStream("", { fd: writeFd });
  const output = new PassThrough();
  reader.on("data", (chunk: Buffer) => output.write(chunk));
  // A pty whose other end closed reads as EOF on some systems and as EIO on others: both are the end.
  reader.on("error", () => output.end());
  reader.once("end", () => output.end());
  writer.on("error", () => undefined);
  let closed = false;
  return {
    output,
    write: (text) => void (closed || writer.write(text)),
    close() {
      if (closed) return;
      closed = true;
      // The streams own their descriptors and close them.
      reader.destroy();
      writer.destroy();
      output.end();
    },
  };
}
