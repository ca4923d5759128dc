// A YAML file's bytes checked before the parser sees them: a bounded size, and UTF-8 throughout
// (YAML is Unicode; invalid bytes would otherwise be read as replacement characters).
import { isUtf8 } from "node:buffer";
import { readFile, stat } from "node:fs/promises";
import { inputError, type HarnessError } from "../errors.ts";

/** The largest YAML file read: past this, holding its values in memory is the problem. */
export const MAX_YAML_BYTES = 2 * 1024 * 1024;

/** A YAML file's text, or the located error that says why it cannot be read as YAML. */
export async function readYamlText(
  file: string,
): Promise<{ text: string; error?: never } | { text?: never; error: HarnessError }> {
  const at = { file, line: 1, column: 1 };
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error && info.code === "ENOENT") {
    const hint = "check the path";
    return { error: inputError("ENOTFOUND", `file not found: ${file}`, { at, hint }) };
  }
  if (info instanceof Error || !info.isFile()) {
    const what = info instanceof Error ? (info.code ?? info.message) : "not a regular file";
    const hint = "make it a YAML file (a folder or a missing file cannot be read)";
    return { error: inputError("EREAD", `cannot read ${file}: ${what}`, { at, hint }) };
  }
  const size = info.size;
  if (size > MAX_YAML_BYTES) {
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    const message = `YAML file is ${mb(size)} MB, more than the ${mb(MAX_YAML_BYTES)} MB a YAML file may have`;
    const hint = "keep large data in files the YAML names rather than in the YAML itself";
    return { error: inputError("EYAML", message, { at, hint }) };
  }
  const bytes = await readFile(file);
  if (isUtf8(bytes)) return { text: bytes.toString("utf8") };
  const where = firstInvalidByte(bytes);
  const message = `invalid YAML: byte 0x${where.byte} is not UTF-8`;
  const hint = "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)";
  return { error: inputError("EYAML", message, { at: { file, ...where.at }, hint }) };
}

// The first byte that is not UTF-8, as line and column (in characters). Line ends are ASCII, so the
// bad line is found on its own, then fed a byte at a time to a decoder that stops at the bad byte.
function firstInvalidByte(bytes: Buffer): { byte: string; at: { line: number; column: number } } {
  let start = 0;
  let line = 1;
  for (;;) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline < 0 ? bytes.length : newline;
    const text = bytes.subarray(start, end);
    if (!isUtf8(text)) return { ...badByteIn(text), at: { line, column: columnOfBad(text) } };
    if (newline < 0) return { byte: "??", at: { line, column: 1 } };
    start = newline + 1;
    line++;
  }
}

function badByteIn(text: Buffer): { byte: string } {
  const index = validPrefix(text).length;
  return { byte: (text[index] ?? 0).toString(16).padStart(2, "0") };
}

function columnOfBad(text: Buffer): number {
  return [...validPrefix(text).toString("utf8")].length + 1;
}

// The longest prefix made of whole valid characters.
function validPrefix(text: Buffer): Buffer {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let whole = 0;
  for (let i = 0; i < text.length; i++) {
    try {
      const out = decoder.decode(text.subarray(i, i + 1), { stream: true });
      if (out !== "") whole = i + 1;
    } catch {
      break;
    }
  }
  return text.subarray(0, whole);
}
