// YAML files parsed with their positions, so every error can point at file:line:column.
import {
  LineCounter,
  parseDocument,
  isMap,
  isSeq,
  isScalar,
  isPair,
  type Document,
  type Node,
} from "yaml";
import { inputError, type HarnessError, type SourceLocation } from "../errors.ts";
import { checkAliases, MAX_ALIASED_VALUES } from "./yaml-aliases.ts";
import { readYamlText } from "./yaml-text.ts";

export { MAX_YAML_BYTES } from "./yaml-text.ts";

/** Deeper nesting than this is refused: the parser follows it by recursion. */
export const MAX_YAML_DEPTH = 500;
/** A broken file's first few syntax errors are listed; the rest follow from them. */
const LISTED_ERRORS = 5;

/** A parsed YAML document that can locate any value in its source. */
export interface YamlSource {
  file: string;
  value: unknown;
  /** Location of the value at a path of keys and indexes (the key itself when `key` is set). */
  locate(path: readonly (string | number)[], key?: boolean): SourceLocation;
}

/** Parses YAML text; syntax errors and alias bombs become located bad-input errors. */
export function parseYaml(
  file: string,
  text: string,
): { source?: YamlSource; errors: HarnessError[] } {
  const lineCounter = new LineCounter();
  const tooDeep = nestingError(file, text, lineCounter);
  if (tooDeep) return { errors: [tooDeep] };
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const errors = document.errors.slice(0, LISTED_ERRORS).map((error) => {
    const offset = error.pos[0];
    const position = lineCounter.linePos(offset);
    return inputError("EYAML", `invalid YAML: ${firstLine(error.message)}`, {
      at: { file, line: position.line, column: position.col },
      hint: "fix the YAML syntax at this position",
    });
  });
  if (errors.length > 0) return { errors };
  const aliasError = checkAliases(file, document, lineCounter);
  if (aliasError) return { errors: [aliasError] };
  return { source: makeSource(file, document, lineCounter), errors };
}

/** Reads and parses a YAML file. */
export async function readYaml(
  file: string,
): Promise<{ source?: YamlSource; errors: HarnessError[] }> {
  const read = await readYamlText(file);
  if (read.error) return { errors: [read.error] };
  return parseYaml(file, read.text);
}

// Nesting depth by indentation and by open brackets, read before the parser recurses into it.
function nestingError(
  file: string,
  text: string,
  lineCounter: LineCounter,
): HarnessError | undefined {
  let flow = 0;
  let offset = 0;
  for (const line of text.split("\n")) {
    const body = line.trimStart();
    // Each block level takes at least one column ("- - - x" opens one per two).
    const blockDepth = line.length - body.length + (body.match(/^(?:[-?:]\s+)+/)?.[0].length ?? 0);
    for (let i = 0; i < line.length; i++) {
      const char = line[i];
      if (char === "[" || char === "{") flow++;
      else if ((char === "]" || char === "}") && flow > 0) flow--;
      if (flow > MAX_YAML_DEPTH || blockDepth / 2 > MAX_YAML_DEPTH) {
        const position = lineCounter.linePos(offset + i);
        return inputError("EYAML", `invalid YAML: nested more than ${MAX_YAML_DEPTH} levels deep`, {
          at: { file, line: position.line, column: position.col },
          hint: "flatten the structure; no configuration needs this depth",
        });
      }
    }
    offset += line.length + 1;
  }
  return undefined;
}

function makeSource(file: string, document: Document, lineCounter: LineCounter): YamlSource {
  return {
    file,
    // checkAliases has bounded the aliases; yaml's own count stays as a second guard.
    value: document.toJS({ maxAliasCount: MAX_ALIASED_VALUES }) as unknown,
    locate(path, key = false) {
      const node = findNode(document.contents, path, key) ?? document.contents;
      const offset = node?.range?.[0] ?? 0;
      const position = lineCounter.linePos(offset);
      return { file, line: position.line, column: position.col };
    },
  };
}

function findNode(
  root: unknown,
  path: readonly (string | number)[],
  key: boolean,
): Node | undefined {
  let node = root as Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(step),
      );
      if (!pair) return node;
      if (last && key) return pair.key as Node;
      node = (pair.value ?? pair.key) as Node;
    } else if (isSeq(node) && typeof step === "number") {
      const item = node.items[step];
      if (!item) return node;
      node = item as Node;
    } else {
      return node;
    }
  }
  return node;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
