// The SSH driver against a real OpenSSH server on loopback: waiting, steps, timeouts, TAP.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { rm, stat } from "node:fs/promises";
import { userInfo } from "node:os";
import {
  generateRunKeyPair,
  stepsToTap,
  waitForSsh,
  type ConnectedSsh,
  type SshEndpoint,
  type SshStep,
} from "../../harness/drivers/ssh/index.ts";
import { HarnessError } from "../../harness/errors.ts";
import { parseTap } from "../../harness/results/tap.ts";
import { tempDir } from "../helpers/cli.ts";
import { processesWithEnv } from "../helpers/processes.ts";
import { freePort } from "../helpers/registry.ts";
import {
  establishedTo,
  eventually,
  startSilentServer,
  startSshd,
  type RunningSshd,
  type SilentServer,
} from "../helpers/sshd.ts";

const never = new AbortController().signal;
const quiet = { signal: never, log: () => undefined };
const user = userInfo().username;

function step(name: string, run: string, extra: Partial<SshStep> = {}): SshStep {
  return { name, run, exit: 0, tap: false, ...extra };
}

describe("SSH driver", () => {
  let keyDir: string;
  let key: { privateKeyPath: string; publicKey: string };
  const servers: RunningSshd[] = [];
  const sessions: ConnectedSsh[] = [];
  /** Environment markers of step processes, killed after each test should the driver fail to. */
  const stepMarkers: string[] = [];
  const newStepMarker = () => {
    const marker = `HARNESS_SSH_STEP=${randomUUID()}`;
    stepMarkers.push(marker);
    return marker;
  };

  before(async () => {
    keyDir = await tempDir("harness-ssh-key-");
    key = await generateRunKeyPair(keyDir);
  });

  afterEach(async () => {
    for (const session of sessions.splice(0)) await session.close();
    for (const marker of stepMarkers.splice(0))
      for (const pid of await processesWithEnv(marker)) process.kill(pid, "SIGKILL");
  });

  after(async () => {
    for (const server of servers.splice(0)) await server.stop();
    await rm(keyDir, { recursive: true, force: true });
  });

  const endpointOf = (server: { host: string; port: number; user: string }): SshEndpoint => ({
    host: server.host,
    port: server.port,
    user: server.user,
    privateKeyPath: key.privateKeyPath,
  });

  async function server(port?: number): Promise<RunningSshd> {
    const started = await startSshd({
      authorizedKeys: key.publicKey,
      ...(port === undefined ? {} : { port }),
    });
    servers.push(started);
    return started;
  }

  async function connect(target: RunningSshd): Promise<ConnectedSsh> {
    const ssh = await waitForSsh(endpointOf(target), { ...quiet, deadlineMs: 10_000 });
    sessions.push(ssh);
    return ssh;
  }

  it("makes an ed25519 key pair with a private key only its owner can read", async () => {
    assert.match(key.publicKey, /^ssh-ed25519 [A-Za-z0-9+/=]+ harness-run$/);
    assert.equal((await stat(key.privateKeyPath)).mode & 0o777, 0o600);
    const again = await generateRunKeyPair(keyDir);
    assert.notEqual(again.publicKey, key.publicKey, "a second run gets a new key");
    key = again;
  });

  it("keeps trying with backoff until a server that starts late answers", async () => {
    const port = await freePort();
    const lines: string[] = [];
    const startedMs = Date.now();
    let late: Promise<RunningSshd> | undefined;
    const timer = setTimeout(() => {
      late = server(port);
    }, 1000);
    try {
      const ssh = await waitForSsh(endpointOf({ host: "127.0.0.1", port, user }), {
        signal: never,
        deadlineMs: 20_000,
        log: (line) => lines.push(line),
      });
      sessions.push(ssh);
      assert.ok(Date.now() - startedMs >= 1000, "connected only after the server started");
      const failed = lines.filter((line) => /attempt \d+ .* failed/.test(line));
      assert.ok(failed.length >= 3, `several refused attempts first:\n${lines.join("\n")}`);
      assert.ok(failed.length <= 12, `backoff, not a busy loop:\n${lines.join("\n")}`);
      const result = await ssh.runStep(step("hello", "echo hello"), quiet);
      assert.equal(result.stdout, "hello\n");
      assert.equal(result.exitCode, 0);
    } finally {
      clearTimeout(timer);
      await late;
    }
  });

  it("gives up with ESSHTIMEOUT at the deadline when nothing listens", async () => {
    const port = await freePort();
    const startedMs = Date.now();
    const error = await waitForSsh(endpointOf({ host: "127.0.0.1", port, user }), {
      ...quiet,
      deadlineMs: 1500,
    }).catch((e: unknown) => e);
    const tookMs = Date.now() - startedMs;
    assert.ok(error instanceof HarnessError, String(error));
    assert.equal(error.code, "ESSHTIMEOUT");
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(error.message, /\d+ attempts/);
    assert.match(String((error.cause as Error | undefined)?.message), /ECONNREFUSED/);
    assert.ok(tookMs >= 1400 && tookMs < 3000, `took ${tookMs} ms`);
  });

  it("stops at once when aborted between attempts, with the abort's reason", async () => {
    const port = await freePort();
    const controller = new AbortController();
    const reason = new Error("run cancelled");
    const attempts: string[] = [];
    const waiting = waitForSsh(endpointOf({ host: "127.0.0.1", port, user }), {
      signal: controller.signal,
      deadlineMs: 30_000,
      log: (line) => attempts.push(line),
    });
    await eventually("a refused attempt", () => attempts.length >= 3);
    const abortedMs = Date.now();
    controller.abort(reason);
    await assert.rejects(waiting, (error) => error === reason);
    assert.ok(Date.now() - abortedMs < 200, `took ${Date.now() - abortedMs} ms after abort`);
  });

  describe("against a port that accepts but never speaks SSH", () => {
    let silent: SilentServer;
    let port: number;

    before(async () => {
      silent = await startSilentServer();
      port = silent.port;
    });

    after(() => silent.stop());

    it("still ends at the deadline, though one attempt alone would take longer", async () => {
      const startedMs = Date.now();
      const error = await waitForSsh(endpointOf({ host: "127.0.0.1", port, user }), {
        ...quiet,
        deadlineMs: 1500,
        attemptTimeoutMs: 10_000,
      }).catch((e: unknown) => e);
      const tookMs = Date.now() - startedMs;
      assert.equal((error as HarnessError).code, "ESSHTIMEOUT", String(error));
      assert.ok(tookMs >= 1400 && tookMs < 3000, `took ${tookMs} ms`);
      await eventually("the half-open connections closed", () => silent.openConnections() === 0);
    });

    it("stops waiting at once when aborted, and leaves no connection open", async () => {
      const controller = new AbortController();
      const reason = new Error("cell cancelled");
      const waiting = waitForSsh(endpointOf({ host: "127.0.0.1", port, user }), {
        signal: controller.signal,
        deadlineMs: 30_000,
        log: () => undefined,
      });
      await eventually("a connection to be attempted", () => silent.openConnections() > 0);
      const abortedMs = Date.now();
      controller.abort(reason);
      await assert.rejects(waiting, (error) => error === reason);
      assert.ok(Date.now() - abortedMs < 200, `took ${Date.now() - abortedMs} ms after abort`);
      await eventually("the aborted connection closed", () => silent.openConnections() === 0);
    });
  });

  describe("steps on a running server", () => {
    let sshd: RunningSshd;

    before(async () => {
      sshd = await server();
    });

    it("streams a step's output while the step still runs, prefixed by its name", async () => {
      const ssh = await connect(sshd);
      const arrivals: { atMs: number; text: string }[] = [];
      const result = await ssh.runStep(
        step("talk", "echo first; echo oops >&2; sleep 1.5; echo second"),
        { signal: never, log: (text) => arrivals.push({ atMs: Date.now(), text }) },
      );
      const endMs = Date.now();
      const first = arrivals.find((a) => a.text.includes("talk | first\n"));
      assert.ok(first, `first line logged:\n${arrivals.map((a) => a.text).join("")}`);
      assert.ok(
        endMs - first.atMs >= 1000,
        `first line came ${endMs - first.atMs} ms before the end`,
      );
      const log = arrivals.map((a) => a.text).join("");
      assert.match(log, /^talk ! oops$/m);
      assert.match(log, /^talk \| second$/m);
      assert.equal(result.stdout, "first\nsecond\n");
      assert.equal(result.exitCode, 0);
      assert.equal(result.timedOut, false);
    });

    it("reports exit codes, and a mismatch with the expected code as not ok", async () => {
      const ssh = await connect(sshd);
      const steps = [
        step("wrong exit", "exit 3"),
        step("expected exit", "exit 3", { exit: 3 }),
        step("fine", "true"),
      ];
      const results = [];
      for (const s of steps) results.push(await ssh.runStep(s, quiet));
      assert.deepEqual(
        results.map((r) => r.exitCode),
        [3, 3, 0],
      );
      const tap = await parseTap(stepsToTap(results, steps));
      assert.deepEqual(
        tap.tests.map((t) => [t.name, t.outcome]),
        [
          ["wrong exit", "fail"],
          ["expected exit", "pass"],
          ["fine", "pass"],
        ],
      );
      assert.deepEqual(tap.planProblems, []);
    });

    it("ends a step at its timeout and leaves no process behind on the server", async () => {
      const ssh = await connect(sshd);
      const marker = newStepMarker();
      const running = ssh.runStep(step("hang", `${marker} sleep 100`, { timeoutMs: 1000 }), quiet);
      await eventually(
        "the step's sleep to start",
        async () => (await processesWithEnv(marker)).length > 0,
      );
      const result = await running;
      assert.equal(result.timedOut, true);
      assert.ok(result.signal === "HUP" || result.exitCode === 129, JSON.stringify(result));
      assert.ok(result.durationMs >= 1000 && result.durationMs < 4000, `${result.durationMs} ms`);
      await eventually(
        "no sleep 100 left",
        async () => (await processesWithEnv(marker)).length === 0,
      );
      const tap = await parseTap(stepsToTap([result], [step("hang", "", { timeoutMs: 1000 })]));
      assert.deepEqual(
        tap.tests.map((t) => [t.name, t.outcome]),
        [["hang", "timeout"]],
      );
      const after = await ssh.runStep(step("still usable", "echo yes"), quiet);
      assert.equal(after.stdout, "yes\n", "the connection outlives a timed-out step");
    });

    it("kills a step that ignores SIGHUP once the grace period ends", async () => {
      const ssh = await connect(sshd);
      const marker = newStepMarker();
      const run = `trap '' HUP; ${marker} sleep 100`;
      const result = await ssh.runStep(step("stubborn", run, { timeoutMs: 500 }), quiet);
      assert.equal(result.timedOut, true);
      assert.ok(result.durationMs < 7000, `${result.durationMs} ms`);
      await eventually(
        "no sleep 100 left",
        async () => (await processesWithEnv(marker)).length === 0,
      );
    });

    it("stops a running step when aborted and rejects with the reason", async () => {
      const ssh = await connect(sshd);
      const marker = newStepMarker();
      const controller = new AbortController();
      const reason = new Error("drive deadline");
      const running = ssh.runStep(step("long", `${marker} sleep 100`), {
        signal: controller.signal,
        log: () => undefined,
      });
      await eventually(
        "the step's sleep to start",
        async () => (await processesWithEnv(marker)).length > 0,
      );
      controller.abort(reason);
      await assert.rejects(running, (error) => error === reason);
      await eventually(
        "no sleep 100 left",
        async () => (await processesWithEnv(marker)).length === 0,
      );
    });

    it("nests a tap: true step's TAP under its test point", async () => {
      const ssh = await connect(sshd);
      const steps = [
        step("suite", "printf 'TAP version 13\\n1..2\\nok 1 - inside\\nnot ok 2 - broken\\n'", {
          tap: true,
        }),
        step("plain", "echo 'not ok 1 - not TAP, just output'"),
      ];
      const results = [];
      for (const s of steps) results.push(await ssh.runStep(s, quiet));
      const tap = await parseTap(stepsToTap(results, steps));
      assert.deepEqual(
        tap.tests.map((t) => [t.name, t.outcome]),
        [
          ["suite", "fail"],
          ["plain", "pass"],
        ],
      );
      assert.deepEqual(
        tap.tests[0]?.children.map((t) => [t.path.join(" > "), t.outcome]),
        [
          ["suite > inside", "pass"],
          ["suite > broken", "fail"],
        ],
      );
      assert.deepEqual(tap.tests[1]?.children, []);
      // The step exited 0, but its failing subtest fails it.
      assert.equal(tap.counts.fail, 2);
    });

    it("reports steps that never ran as skipped", async () => {
      const steps = [step("ran", "true"), step("never ran", "true")];
      const tap = await parseTap(
        stepsToTap(
          [
            {
              name: "ran",
              exitCode: 0,
              timedOut: false,
              stdout: "",
              stdoutDroppedBytes: 0,
              durationMs: 1,
            },
          ],
          steps,
        ),
      );
      assert.deepEqual(
        tap.tests.map((t) => [t.name, t.outcome, t.reason]),
        [
          ["ran", "pass", undefined],
          ["never ran", "skip", "not run"],
        ],
      );
    });

    it("closes the connection on dispose, and a closed connection cannot start a step", async () => {
      const before = await establishedTo(sshd.port);
      const ssh = await connect(sshd);
      await eventually(
        "the connection to show",
        async () => (await establishedTo(sshd.port)) > before,
      );
      await ssh[Symbol.asyncDispose]();
      assert.equal(ssh.closed, true);
      await eventually(
        "the connection to go",
        async () => (await establishedTo(sshd.port)) === before,
      );
      await assert.rejects(ssh.runStep(step("late", "true"), quiet), (error: HarnessError) => {
        assert.equal(error.code, "ESSHEXEC");
        return true;
      });
    });
  });
});
