// A YAML file's aliases, measured before its value is built: an alias bomb ("billion laughs",
// anchors of lists of aliases of lists…) is a few lines that expand to billions of values, and
// anything that walks the value afterwards (schema checks, hashing) would run out of memory.
import { isAlias, isCollection, isPair, type Document, type LineCounter, type Node } from "yaml";
import { inputError, type HarnessError } from "../errors.ts";

/** Values all of a file's aliases may stand for together; hand-written YAML uses a few hundred. */
export const MAX_ALIASED_VALUES = 10_000;

/** The first alias that is unresolved, contains itself or takes the file past MAX_ALIASED_VALUES. */
export function checkAliases(
  file: string,
  document: Document,
  lineCounter: LineCounter,
): HarnessError | undefined {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  let aliased = 0;
  const fail = (node: Node, message: string, hint: string) => {
    const position = lineCounter.linePos(node.range?.[0] ?? 0);
    const at = { file, line: position.line, column: position.col };
    return inputError("EYAML", `invalid YAML: ${message}`, { at, hint });
  };

  // Document order, so an alias meets the last anchor of its name before it, as YAML says.
  function measure(node: unknown): number | HarnessError {
    if (isPair(node)) return sum([node.key, node.value]);
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target)
        return fail(
          node,
          `alias *${node.source} has no anchor &${node.source} before it`,
          "define the anchor before its first alias",
        );
      const size = sizes.get(target);
      if (size === undefined)
        return fail(
          node,
          `alias *${node.source} is inside the value it refers to`,
          "an alias cannot repeat a value that contains it",
        );
      aliased += size;
      if (aliased > MAX_ALIASED_VALUES)
        return fail(
          node,
          `alias *${node.source} takes the aliases past ${MAX_ALIASED_VALUES} values (an alias bomb?)`,
          "write the values out, or use fewer and smaller aliases",
        );
      return size;
    }
    if (!node || typeof node !== "object") return 0;
    const anchor = (node as Node).anchor;
    if (anchor) anchors.set(anchor, node as Node);
    const size = isCollection(node) ? sum(node.items) : 1;
    if (typeof size === "number") sizes.set(node as Node, size);
    return size;
  }

  function sum(items: readonly unknown[]): number | HarnessError {
    let total = 1;
    for (const item of items) {
      const size = measure(item);
      if (typeof size !== "number") return size;
      total += size;
    }
    return total;
  }

  const result = measure(document.contents);
  return typeof result === "number" ? undefined : result;
}
