// The harness entry point. Signal handlers go in before anything heavy loads, so a Ctrl-C at any
// moment cancels the run cleanly instead of killing the process mid-write.
import { cancelOnSignals } from "../run/cancel.ts";
import { hurryStops, killLiveTreesNow } from "../util/live-trees.ts";
import { removeHeldFoldersNow } from "../util/owner-folder.ts";

const INTERRUPTED = 130;
const controller = new AbortController();
// The handlers stay until the process ends: a signal between the command's end and the exit
// then finds the run already recorded and changes nothing, instead of killing the process.
cancelOnSignals(controller, {
  hurry: hurryStops,
  force: () => {
    killLiveTreesNow();
    removeHeldFoldersNow();
    process.exit(INTERRUPTED);
  },
});
// A closed pipe (harness list | head) ends output quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
const { main } = await import("./cli.ts");
const { createRedact } = await import("../util/redact.ts");
const { RedactedOutput } = await import("../util/redact-output.ts");
// Secrets are masked where output leaves the process, whichever view or error wrote it.
const redact = createRedact(process.env);
const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: new RedactedOutput(process.stdout, redact),
  stderr: new RedactedOutput(process.stderr, redact),
  signal: controller.signal,
  argv: process.argv.slice(2),
});
if (controller.signal.aborted) {
  // A natural exit puts the default signal actions back while Node tears down, so a second
  // Ctrl-C landing then would end the process by that signal, run recorded but no 130. An
  // explicit exit keeps the handlers to the end; output is flushed first (pipes are
  // asynchronous on macOS).
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(INTERRUPTED);
}
process.exitCode = code;

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}
