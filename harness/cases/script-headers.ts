// rtf-style script headers: "# SUMMARY:", "# LABELS:", "# REPEAT:", "# AUTHOR:", "# ISSUE:", "# NAME:".
import { readFile } from "node:fs/promises";
import { inputError } from "../errors.ts";

/** The tags rtf reads from the top of test.sh and group.sh. */
export interface ScriptHeaders {
  name?: string;
  summary?: string;
  labels?: string;
  repeat?: number;
  author?: string;
  issue?: string;
}

const MULTIPLE = new Set(["AUTHOR", "ISSUE"]);
const KNOWN = new Set(["NAME", "SUMMARY", "LABELS", "REPEAT", ...MULTIPLE]);

/** Reads the headers of a script; a repeated single tag or a non-numeric REPEAT is an error. */
export async function readScriptHeaders(file: string): Promise<ScriptHeaders> {
  return parseScriptHeaders(file, await readFile(file, "utf8"));
}

/** Parses headers from script text; `file` is used in error locations. */
export function parseScriptHeaders(file: string, text: string): ScriptHeaders {
  const headers: ScriptHeaders = {};
  const seen = new Set<string>();
  text.split("\n").forEach((line, index) => {
    const match = /^# ([A-Z]+):(.*)$/.exec(line);
    if (!match?.[1] || !KNOWN.has(match[1])) return;
    const tag = match[1];
    const value = (match[2] ?? "").trim();
    const at = { file, line: index + 1, column: 3 };
    if (seen.has(tag) && !MULTIPLE.has(tag)) {
      throw inputError("ESCRIPTHEADER", `# ${tag}: is given more than once`, {
        at,
        hint: "keep one",
      });
    }
    seen.add(tag);
    if (value === "") return;
    applyTag(headers, tag, value, at);
  });
  return headers;
}

function applyTag(
  headers: ScriptHeaders,
  tag: string,
  value: string,
  at: { file: string; line: number },
): void {
  switch (tag) {
    case "NAME":
      headers.name = value;
      break;
    case "SUMMARY":
      headers.summary = value;
      break;
    case "LABELS":
      headers.labels = value;
      break;
    case "REPEAT": {
      const repeat = Number(value);
      if (!Number.isInteger(repeat) || repeat < 1) {
        throw inputError(
          "ESCRIPTHEADER",
          `# REPEAT: must be a whole number ≥ 1, got ${JSON.stringify(value)}`,
          {
            at,
            hint: "write e.g. # REPEAT: 3, or leave it empty",
          },
        );
      }
      headers.repeat = repeat;
      break;
    }
    case "AUTHOR":
      headers.author = headers.author ? `${headers.author} ${value}` : value;
      break;
    case "ISSUE":
      headers.issue = headers.issue ? `${headers.issue} ${value}` : value;
      break;
  }
}
