import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { ConsoleCursor, ExpectMissed } from "../../harness/drivers/serial/steps/cursor.ts";

const never = new AbortController().signal;

describe("scripted console steps: the expect cursor", () => {
  it("matches a prompt that has no newline, with a shell's terminal query after it", async () => {
    const stream = new PassThrough();
    const cursor = new ConsoleCursor(stream);
    stream.write("motd\r\n[shell]# \x1b[6");
    setTimeout(() => stream.write("n"), 20);
    assert.equal(await cursor.expect(/\[shell\]# $/, 1000, never), "[shell]# ");
  });

  it("matches only output after the previous match", async () => {
    const stream = new PassThrough();
    const cursor = new ConsoleCursor(stream);
    stream.write("# echo a\r\na\r\n# ");
    await cursor.expect(/# $/, 1000, never);
    await assert.rejects(cursor.expect(/\na\n/, 100, never), ExpectMissed);
    stream.write("echo b\r\nb\r\n# ");
    assert.equal(await cursor.expect(/\nb\n/, 1000, never), "\nb\n");
  });

  it("matches a prompt the kernel wrote its log records into, and keeps what follows", async () => {
    const stream = new PassThrough();
    const cursor = new ConsoleCursor(stream);
    stream.write(
      "motd\r\n[shell]# [   12.345678] clocksource: Marking clocksource 'tsc' as unstable\r\n",
    );
    stream.write("[   12.345901] clocksource: Switched to clocksource hpet\r\n");
    assert.equal(await cursor.expect(/\[shell\]# $/, 1000, never), "[shell]# ");
    stream.write("echo b\r\nb\r\n# ");
    assert.equal(await cursor.expect(/\nb\n/, 1000, never), "\nb\n");
    await assert.rejects(cursor.expect(/\[shell\]/, 100, never), ExpectMissed);
  });

  it("still matches the kernel's own lines when a step waits for one", async () => {
    const stream = new PassThrough();
    const cursor = new ConsoleCursor(stream);
    stream.write("[    1.000000] Run /init as init process\n[    1.5] random: crng init done\n");
    assert.match(await cursor.expect(/Run \/init as init process/, 1000, never), /Run/);
    assert.match(await cursor.expect(/crng init done\n$/, 1000, never), /crng/);
  });

  it("gives up at the step's deadline, saying so", async () => {
    const stream = new PassThrough();
    const cursor = new ConsoleCursor(stream);
    stream.write("login: ");
    await assert.rejects(cursor.expect(/Welcome/, 200, never), /not seen within 0\.2s/);
  });
});
