// Stack traces from the bundle point at its chunks; this maps each frame back to the TypeScript
// source through the bundle's source maps, so a bug report names the real file and line.
import { readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { fileURLToPath } from "node:url";

const FRAME = /(file:\/\/[^\s()]+\.js):(\d+):(\d+)/g;

/** `stack` with every frame inside a bundle chunk replaced by its source file:line:column. */
export function sourceMappedStack(stack: string): string {
  const maps = new Map<string, SourceMap | undefined>();
  return stack.replace(FRAME, (frame, url: string, line: string, column: string) => {
    if (!maps.has(url)) maps.set(url, loadMap(url));
    const entry = maps.get(url)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !("originalSource" in entry)) return frame;
    const source = fileURLToPath(new URL(entry.originalSource, url));
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

function loadMap(url: string): SourceMap | undefined {
  try {
    const payload = JSON.parse(
      readFileSync(fileURLToPath(`${url}.map`), "utf8"),
    ) as SourceMapPayload;
    return new SourceMap(payload);
  } catch {
    return undefined;
  }
}
