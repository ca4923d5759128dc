// The harness entry point: dispatch a subcommand, print errors a user can act on, exit with the contract's code.
import { COMMANDS } from "./commands.ts";
import { formatHelp, parseArgs } from "./args.ts";
import { EXIT, HarnessError, inputError } from "../errors.ts";
import { choicesHint } from "../util/suggest.ts";
import { cancelOnSignals } from "../run/cancel.ts";
import type { CommandIo } from "./command.ts";

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(topHelp());
    return name === undefined ? EXIT.badInput : EXIT.ok;
  }
  try {
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      throw inputError("EUNKNOWNCOMMAND", `unknown command "${name}"`, {
        hint: `${choicesHint(
          name,
          COMMANDS.map((c) => c.name),
        )}; see harness --help`,
      });
    }
    const args = parseArgs(rest, command.flags, command.name);
    if (args.bool("help")) {
      io.stdout.write(formatHelp(command.usage, command.summary, command.flags));
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof HarnessError) {
      io.stderr.write(`harness: ${error.describe()}\n`);
      return error.exitCode;
    }
    io.stderr.write(
      `harness: internal error (a bug, please report it with this output):\n${error instanceof Error ? error.stack : String(error)}\n`,
    );
    return EXIT.infrastructure;
  }
}

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return `harness: build, boot and test LinuxKit-style images across platforms, arches and kernels\n\nUsage: harness COMMAND [FLAGS]\n\nCommands:\n${lines.join("\n")}\n\nRun "harness COMMAND --help" for a command's flags.\n`;
}

// Started as a program (not imported by tests): wire process streams and signals.
if (import.meta.main) {
  // A closed pipe (harness list | head) ends output quietly.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(EXIT.ok);
    throw error;
  });
  const controller = new AbortController();
  const removeHandlers = cancelOnSignals(controller, () => process.exit(EXIT.interrupted));
  const code = await main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
    argv: process.argv.slice(2),
  });
  removeHandlers();
  process.exitCode = controller.signal.aborted ? EXIT.interrupted : code;
}
