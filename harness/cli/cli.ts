// The CLI: dispatch a subcommand, print errors a user can act on, return the contract's exit code.
import { COMMANDS } from "./commands.ts";
import { formatHelp, parseArgs } from "../util/args.ts";
import { EXIT, HarnessError, inputError } from "../errors.ts";
import { choicesHint } from "../util/suggest.ts";
import type { CommandIo } from "../util/command.ts";
import packageJson from "../../package.json" with { type: "json" };

/** The harness's version, as its package says. */
export const VERSION: string = packageJson.version;

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V" || name === "version") {
    io.stdout.write(`harness ${VERSION}\n`);
    return EXIT.ok;
  }
  // `harness help run` is `harness run --help`.
  if (name === "help" && rest[0] !== undefined) return main([rest[0], "--help"], io);
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
    const { sourceMappedStack } = await import("./bundle/stack.ts");
    const stack =
      error instanceof Error ? sourceMappedStack(error.stack ?? String(error)) : String(error);
    io.stderr.write(
      `harness: internal error (a bug, please report it with this output):\n${stack}\n`,
    );
    return EXIT.infrastructure;
  }
}

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return `harness: build, boot and test LinuxKit-style images across platforms, arches and kernels\n\nUsage: harness COMMAND [FLAGS]\n\nCommands:\n${lines.join("\n")}\n\nRun "harness help COMMAND" for a command's flags; "harness --version" for the version.\n`;
}
