// Command-line flags declared as data and parsed strictly: unknown flags name the closest valid one.
import { inputError } from "../errors.ts";
import { choicesHint } from "./suggest.ts";

/** One flag a command accepts. */
export interface FlagSpec {
  name: string;
  short?: string;
  /** "list" flags repeat and split on commas. */
  type: "boolean" | "string" | "list" | "integer";
  description: string;
  valueName?: string;
}

type FlagValue = string | boolean | string[];

/** Parsed flags and positional arguments with typed getters. */
export class ParsedArgs {
  readonly positionals: string[];
  readonly #values: Map<string, FlagValue>;

  constructor(values: Map<string, FlagValue>, positionals: string[]) {
    this.#values = values;
    this.positionals = positionals;
  }

  /** A copy where flags not given take `defaults` (and positionals too, when none were given). */
  withDefaults(
    defaults: Record<string, string | string[] | undefined>,
    positionals: readonly string[] = [],
  ): ParsedArgs {
    const values = new Map(this.#values);
    for (const [name, value] of Object.entries(defaults)) {
      if (value !== undefined && !values.has(name)) values.set(name, value);
    }
    return new ParsedArgs(
      values,
      this.positionals.length > 0 ? this.positionals : [...positionals],
    );
  }

  /** A copy with `values` set (replacing what was there; undefined unsets) and its own positionals. */
  withValues(
    values: Record<string, string | string[] | undefined>,
    positionals: readonly string[] = this.positionals,
  ): ParsedArgs {
    const next = new Map(this.#values);
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) next.delete(name);
      else next.set(name, value);
    }
    return new ParsedArgs(next, [...positionals]);
  }

  /** Whether a flag was given (or defaulted). */
  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** A string flag's value, if given. */
  string(name: string): string | undefined {
    const value = this.#values.get(name);
    return typeof value === "string" ? value : undefined;
  }

  /** A list flag's values (empty when not given). */
  list(name: string): string[] {
    const value = this.#values.get(name);
    return Array.isArray(value) ? value : [];
  }

  /** A boolean flag. */
  bool(name: string): boolean {
    return this.#values.get(name) === true;
  }

  /** An integer flag within [min, max]; a bad value is a bad-input error naming the flag. */
  integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const raw = this.#values.get(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (typeof raw !== "string" || !/^-?\d+$/.test(raw) || value < min || value > max) {
      throw inputError(
        "EFLAG",
        `--${name} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : " up"}, got ${JSON.stringify(raw)}`,
        {
          hint: `e.g. --${name} ${min}`,
        },
      );
    }
    return value;
  }
}

/** Parses `argv` against `flags`; "-h"/"--help" come back as the boolean "help". */
export function parseArgs(
  argv: readonly string[],
  flags: readonly FlagSpec[],
  command: string,
): ParsedArgs {
  const all: FlagSpec[] = [
    ...flags,
    { name: "help", short: "h", type: "boolean", description: "show this help" },
  ];
  const values = new Map<string, FlagValue>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const [key, inline] = splitInline(arg);
    const spec = findFlag(key, all, command);
    if (spec.type === "boolean") {
      if (inline !== undefined)
        throw inputError("EFLAG", `--${spec.name} takes no value, got ${JSON.stringify(arg)}`);
      values.set(spec.name, true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) {
      throw inputError("EFLAG", `--${spec.name} needs a value`, {
        hint: `e.g. --${spec.name} ${spec.valueName ?? "VALUE"}`,
      });
    }
    if (spec.type === "list") {
      const items = value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
      values.set(spec.name, [...((values.get(spec.name) as string[] | undefined) ?? []), ...items]);
    } else {
      values.set(spec.name, value);
    }
  }
  return new ParsedArgs(values, positionals);
}

function splitInline(arg: string): [string, string | undefined] {
  const eq = arg.indexOf("=");
  return eq > 0 && arg.startsWith("--") ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

function findFlag(key: string, flags: readonly FlagSpec[], command: string): FlagSpec {
  const spec = key.startsWith("--")
    ? flags.find((f) => f.name === key.slice(2))
    : flags.find((f) => f.short !== undefined && `-${f.short}` === key);
  if (spec) return spec;
  const names = flags.map((f) => `--${f.name}`);
  throw inputError("EUNKNOWNFLAG", `unknown flag ${key} for "harness ${command}"`, {
    hint: `${choicesHint(key.startsWith("--") ? key : `--${key.replace(/^-+/, "")}`, names)}; see harness ${command} --help`,
  });
}

/** Help text for a command from its flag specs. */
export function formatHelp(usage: string, summary: string, flags: readonly FlagSpec[]): string {
  const rows = flags.map((f) => {
    const short = f.short ? `-${f.short}, ` : "    ";
    const value = f.type === "boolean" ? "" : ` ${f.valueName ?? "VALUE"}`;
    return [`  ${short}--${f.name}${value}`, f.description] as const;
  });
  const width = Math.max(0, ...rows.map(([left]) => left.length)) + 2;
  const lines = rows.map(([left, right]) => `${left.padEnd(width)}${right}`);
  return `${summary}\n\nUsage: ${usage}\n${lines.length > 0 ? `\nFlags:\n${lines.join("\n")}\n` : ""}  -h, --help${" ".repeat(Math.max(1, width - 12))}show this help\n`;
}
