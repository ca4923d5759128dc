import assert from "node:assert/strict";
import { execa } from "execa";
import { once } from "node:events";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { batchReads } from "../../harness/util/batched-reads.ts";

// A child that writes one byte per millisecond, as an emulated UART does, for `count` bytes.
function uart(count: number) {
  const script = `let i = 0; const t = setInterval(() => { process.stdout.write("x"); if (++i === ${count}) clearInterval(t); }, 1);`;
  return execa(process.execPath, ["-e", script], { buffer: false, encoding: "buffer" });
}

async function chunksOf(batchMs: number | undefined): Promise<{ chunks: number; bytes: number }> {
  const child = uart(200);
  let chunks = 0;
  let bytes = 0;
  child.stdout.on("data", (chunk: Buffer) => {
    chunks++;
    bytes += chunk.length;
  });
  const batcher = batchMs === undefined ? undefined : batchReads(child.stdout, batchMs);
  await child;
  batcher?.stop();
  return { chunks, bytes };
}

describe("batched reads of a child's output", () => {
  it("takes a byte-at-a-time writer's output in a few large reads, losing nothing", async () => {
    const plain = await chunksOf(undefined);
    const batched = await chunksOf(25);
    assert.equal(plain.bytes, 200);
    assert.equal(batched.bytes, 200);
    assert.ok(plain.chunks > 60, `read as it comes: ${plain.chunks} reads`);
    assert.ok(
      batched.chunks < plain.chunks / 3,
      `${batched.chunks} reads batched, ${plain.chunks} not`,
    );
  });

  it("does not start the flow itself: output waits for the stream's reader", async () => {
    // A connection's socket, like qemu's console pipe, flows only when someone reads it (a
    // child's stdout is drained by Node itself once the child exits unread).
    const server = createServer().listen(0, "127.0.0.1");
    const accepted = new Promise<Socket>((resolve) => server.once("connection", resolve));
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const writer = connect(port, "127.0.0.1", () => writer.end("x".repeat(20)));
    const stream = await accepted;
    batchReads(stream, 5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    let bytes = 0;
    stream.on("data", (chunk: Buffer) => (bytes += chunk.length));
    await once(stream, "end");
    server.close();
    assert.equal(bytes, 20);
  });

  it("reads as it comes again once stopped, and leaves streams without a pipe alone", async () => {
    const child = uart(100);
    const batcher = batchReads(child.stdout, 60_000);
    let bytes = 0;
    child.stdout.on("data", (chunk: Buffer) => (bytes += chunk.length));
    // With a minute between reads, only stop() lets the rest through before the child ends.
    setTimeout(() => batcher.stop(), 50);
    await child;
    assert.equal(bytes, 100);
    const { Readable } = await import("node:stream");
    const plain = Readable.from(["a", "b"]);
    batchReads(plain, 60_000).stop();
    assert.deepEqual(await plain.toArray(), ["a", "b"]);
  });
});
