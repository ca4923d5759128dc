// One line of TAP 13/14 or KTAP v1, classified: what kind of line it is, how far it is indented, its fields.

/** A test line's directive: TAP's SKIP and TODO, KTAP's XFAIL, TIMEOUT and ERROR. */
export type Directive = "skip" | "todo" | "xfail" | "timeout" | "error";

/** A classified line; `indent` counts the leading blanks. */
export type TapLine = { indent: number } & (
  | { kind: "version"; ktap: boolean }
  | { kind: "plan"; start: number; end: number; comment: string }
  | {
      kind: "test";
      ok: boolean;
      id: number | undefined;
      name: string;
      directive?: Directive;
      reason?: string;
    }
  | { kind: "bail"; reason: string }
  | { kind: "subtest"; name: string }
  | { kind: "pragma"; enable: boolean; key: string }
  | { kind: "diagnostic" }
  | { kind: "yaml-start" }
  | { kind: "yaml-end" }
  | { kind: "blank" }
  | { kind: "other" }
);

const VERSION = /^(K?TAP) version \d+\s*$/;
const PLAN = /^(\d+)\.\.(\d+)\s*(?:#\s*(.*))?$/;
const TEST = /^(not )?ok\b(?:\s+(\d+)\b)?\s*(.*)$/;
const BAIL = /^Bail out!\s*(.*)$/i;
const SUBTEST = /^#\s*Subtest(?::\s*(.*?))?\s*$/;
const PRAGMA = /^pragma\s+([+-])(\w+)\s*$/;
// SKIP takes any suffix ("skipped:"), as TAP 13 says; the others are whole words.
const DIRECTIVE = /^(?:(SKIP)\S*|(TODO|XFAIL|TIMEOUT|ERROR)\b:?)(?:\s+(.*?))?\s*$/i;

/** Classifies one line (no line break) of a TAP or KTAP stream. */
export function classifyTapLine(line: string): TapLine {
  const body = line.trimStart();
  const indent = line.length - body.length;
  if (body.trim() === "") return { indent, kind: "blank" };
  const version = VERSION.exec(body);
  if (version) return { indent, kind: "version", ktap: version[1] === "KTAP" };
  const plan = PLAN.exec(body);
  if (plan) {
    const [, start, end, comment] = plan;
    return { indent, kind: "plan", start: Number(start), end: Number(end), comment: comment ?? "" };
  }
  const test = TEST.exec(body);
  if (test) return { indent, kind: "test", ...testFields(test[1] === undefined, test[2], test[3]) };
  const bail = BAIL.exec(body);
  if (bail) return { indent, kind: "bail", reason: bail[1]?.trim() ?? "" };
  const subtest = SUBTEST.exec(body);
  if (subtest) return { indent, kind: "subtest", name: subtest[1] ?? "" };
  const pragma = PRAGMA.exec(body);
  if (pragma) return { indent, kind: "pragma", enable: pragma[1] === "+", key: pragma[2] ?? "" };
  if (body.startsWith("#")) return { indent, kind: "diagnostic" };
  if (/^---\s*$/.test(body)) return { indent, kind: "yaml-start" };
  if (/^\.\.\.\s*$/.test(body)) return { indent, kind: "yaml-end" };
  return { indent, kind: "other" };
}

/** True for the lines that can begin a TAP stream with no version line: a test line, a plan, a bail out. */
export function startsTapStream(line: TapLine): boolean {
  return (
    line.kind === "version" || (line.indent === 0 && ["test", "plan", "bail"].includes(line.kind))
  );
}

type TestFields = Omit<Extract<TapLine, { kind: "test" }>, "indent" | "kind">;

function testFields(ok: boolean, id: string | undefined, rest = ""): TestFields {
  const hash = unescapedHash(rest);
  const described = hash < 0 ? rest : rest.slice(0, hash);
  const fields: TestFields = {
    ok,
    id: id === undefined ? undefined : Number(id),
    name: unescape(described.trim().replace(/^-\s*/, "")),
  };
  const directive = hash < 0 ? null : DIRECTIVE.exec(rest.slice(hash + 1).trim());
  if (directive) {
    fields.directive = (directive[1] ?? directive[2] ?? "").toLowerCase() as Directive;
    if (directive[3]) fields.reason = directive[3];
  }
  return fields;
}

// TAP 14: "\#" is a literal hash in a description, "\\" a literal backslash.
function unescapedHash(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "#") return i;
  }
  return -1;
}

function unescape(text: string): string {
  return text.replace(/\\([\\#])/g, "$1");
}
