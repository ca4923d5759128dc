// Checks on `files:` entries: a path, exactly one kind of content, and an octal mode.
import type { HarnessError } from "../../errors.ts";
import { problem, type CheckContext } from "./problem.ts";
import type { FileSpec } from "./types.ts";

const CODE = "EIMAGEFILES";
const MAX_MODE = 0o7777;

/** The fields that say what a files entry puts at its path; LinuxKit treats "" as unset. */
function kindsOf(file: FileSpec): string[] {
  const kinds: string[] = [];
  if (file.contents !== undefined) kinds.push("contents");
  if (file.source) kinds.push("source");
  if (file.directory === true) kinds.push("directory");
  if (file.symlink) kinds.push("symlink");
  if (file.metadata !== undefined) kinds.push("metadata");
  return kinds;
}

/** Problems with one files entry. */
export function checkFile(context: CheckContext, file: FileSpec): HarnessError[] {
  return [...checkPath(context, file), ...checkKinds(context, file), ...checkMode(context, file)];
}

function checkPath(context: CheckContext, file: FileSpec): HarnessError[] {
  if (file.path.replace(/^\/+/, "") !== "") return [];
  const message = (where: string) => `${where} is "${file.path}", which names no file`;
  return [problem(context, file, ["path"], CODE, message, "give a path such as etc/motd")];
}

function checkKinds(context: CheckContext, file: FileSpec): HarnessError[] {
  const kinds = kindsOf(file);
  if (kinds.length === 1) return [];
  if (kinds.length === 0) {
    return [
      problem(
        context,
        file,
        [],
        CODE,
        (where) => `${where} (${file.path}) does not say what to put there`,
        "add one of contents:, source:, directory: true, symlink: or metadata: yaml",
      ),
    ];
  }
  const [, second = ""] = kinds;
  return [
    problem(
      context,
      file,
      [second],
      CODE,
      (where) => `${where}: ${file.path} sets ${kinds.join(" and ")}, but only one may be set`,
      `keep one of ${kinds.join(", ")}`,
    ),
  ];
}

function checkMode(context: CheckContext, file: FileSpec): HarnessError[] {
  const mode = file.mode;
  if (mode === undefined) return [];
  if (/^[0-7]+$/.test(mode) && Number.parseInt(mode, 8) <= MAX_MODE) return [];
  return [
    problem(
      context,
      file,
      ["mode"],
      CODE,
      (where) => `${where} is "${mode}", not octal permission bits`,
      'write the mode in octal, from "0000" to "7777", e.g. mode: "0644"',
    ),
  ];
}
