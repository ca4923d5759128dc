// Expands selected cases into cells: case × platform × arch × kernel × repeat, narrowed by each case.
import type { Arch, CellFilter, TestCase } from "../cases/types.ts";
import { throwAll } from "../errors.ts";
import { globMatch, globProblems } from "../util/glob.ts";
import { cellPath, type Cell } from "./cells.ts";
import { DEFAULT_KERNEL, kernelNames } from "./kernels.ts";

/** What the command line asks for; kernels default to each arch's default. */
export interface MatrixRequest {
  platforms: readonly { name: string; arches: readonly Arch[] }[];
  arches: readonly Arch[];
  kernels?: readonly string[];
  /** Globs over cell ids; when given, only matching cells stay. */
  include?: readonly string[];
  /** Globs over cell ids; matching cells are dropped. */
  exclude?: readonly string[];
  /** Overrides each case's repeat count when set. */
  repeat?: number;
}

/** Expands cases into cells in a stable order: case, platform, arch, kernel, repetition. */
export function expandMatrix(cases: readonly TestCase[], request: MatrixRequest): Cell[] {
  throwAll([
    ...globProblems(request.include ?? [], "--include"),
    ...globProblems(request.exclude ?? [], "--exclude"),
  ]);
  const cells: Cell[] = [];
  for (const testCase of cases) {
    for (const platform of request.platforms) {
      if (testCase.platforms && !testCase.platforms.includes(platform.name)) continue;
      for (const arch of request.arches) {
        if (!platform.arches.includes(arch)) continue;
        if (testCase.arches && !testCase.arches.includes(arch)) continue;
        for (const kernel of kernelsFor(testCase, arch, request.kernels)) {
          const where = { platform: platform.name, arch, kernel };
          if (testCase.exclude.some((filter) => filterMatches(filter, where))) continue;
          const skip = testCase.skip.find((filter) => filterMatches(filter, where));
          const repeat = request.repeat ?? testCase.repeat;
          for (let repeatIndex = 1; repeatIndex <= repeat; repeatIndex++) {
            const cell: Cell = { id: "", testCase, ...where, repeatIndex };
            cell.id = cellPath(cell);
            if (skip?.reason) cell.skipReason = skip.reason;
            cells.push(cell);
          }
        }
      }
    }
  }
  return cells.filter((cell) => keepByGlobs(cell.id, request.include, request.exclude));
}

function kernelsFor(
  testCase: TestCase,
  arch: Arch,
  requested: readonly string[] | undefined,
): string[] {
  const available = kernelNames(arch);
  const wanted = (requested && requested.length > 0 ? requested : [DEFAULT_KERNEL]).filter((k) =>
    available.includes(k),
  );
  if (!testCase.kernels) return wanted;
  return wanted.filter((kernel) => testCase.kernels?.some((glob) => globMatch(glob, kernel)));
}

/** True when every field the filter sets matches the cell (kernel and platform may be globs). */
export function filterMatches(
  filter: CellFilter,
  cell: { platform: string; arch: Arch; kernel: string },
): boolean {
  if (filter.platform !== undefined && !globMatch(filter.platform, cell.platform)) return false;
  if (filter.arch !== undefined && filter.arch !== cell.arch) return false;
  if (filter.kernel !== undefined && !globMatch(filter.kernel, cell.kernel)) return false;
  return true;
}

function keepByGlobs(
  id: string,
  include?: readonly string[],
  exclude?: readonly string[],
): boolean {
  if (include && include.length > 0 && !include.some((glob) => globMatch(glob, id))) return false;
  return !(exclude ?? []).some((glob) => globMatch(glob, id));
}
