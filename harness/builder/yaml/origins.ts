// Remembers which document and path each loaded entry came from, so checks on the composed
// image can point at the exact line of a field even after files were appended together.
import type { SourceLocation } from "../../errors.ts";
import type { DocumentPath } from "../../util/schema.ts";
import type { YamlSource } from "../../util/yaml-source.ts";

interface Origin {
  source: YamlSource;
  path: DocumentPath;
}

/** Entry → source map; entries are the objects of an ImageConfig. */
export class Origins {
  readonly #map = new WeakMap<object, Origin>();

  /** Records that `entry` was read from `path` in `source`. */
  record(entry: object, source: YamlSource, path: DocumentPath): void {
    this.#map.set(entry, { source, path });
  }

  /** The location of a field under `entry` (of its key when `key` is set). */
  locate(entry: object, subpath: DocumentPath = [], key = false): SourceLocation {
    const origin = this.#map.get(entry);
    if (!origin) return (entry as { at?: SourceLocation }).at ?? { file: "(unknown)" };
    return origin.source.locate([...origin.path, ...subpath], key);
  }

  /** The path of `entry` in its document, e.g. ["services", 2]. */
  pathOf(entry: object): DocumentPath {
    return this.#map.get(entry)?.path ?? [];
  }
}
