// Expands selected cases into cells: case × platform × arch × kernel × repeat, narrowed by each case.
import type { Arch, CellFilter, TestCase } from "../cases/types.ts";
import { throwAll } from "../errors.ts";
import { globMatch, globProblems } from "../util/glob.ts";
import { cellPath, type Cell } from "./cells.ts";
import {
  DEFAULT_KERNEL,
  kernelArches,
  kernelCellName,
  kernelUnavailable,
} from "../builder/kernels/names.ts";

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
  const kernels = requestedKernels(request.kernels);
  for (const testCase of cases) {
    for (const platform of request.platforms) {
      if (testCase.platforms && !testCase.platforms.includes(platform.name)) continue;
      for (const arch of request.arches) {
        if (!platform.arches.includes(arch)) continue;
        if (testCase.arches && !testCase.arches.includes(arch)) continue;
        for (const { kernel, spec } of kernelsFor(testCase, arch, kernels)) {
          const where = { platform: platform.name, arch, kernel };
          if (testCase.exclude.some((filter) => filterMatches(filter, where))) continue;
          const skip =
            testCase.skip.find((filter) => filterMatches(filter, where)) ??
            unavailableSkip(kernel, arch, kernels);
          const repeat = request.repeat ?? testCase.repeat;
          for (let repeatIndex = 1; repeatIndex <= repeat; repeatIndex++) {
            const cell: Cell = { id: "", testCase, ...where, repeatIndex };
            if (spec !== kernel) cell.kernelSpec = spec;
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

interface KernelChoice {
  /** The name cells and folders carry. */
  kernel: string;
  /** What --kernel said (a file path, a pin); what the build takes. */
  spec: string;
  arches: readonly Arch[];
  unavailable?: Partial<Record<Arch, string>>;
}

// Named once per run: a kernel file's name reads the file's hash.
function requestedKernels(requested: readonly string[] | undefined): KernelChoice[] {
  const specs = requested && requested.length > 0 ? requested : [DEFAULT_KERNEL];
  return [...new Set(specs)].map((spec) => ({
    kernel: kernelCellName(spec),
    spec,
    arches: kernelArches(spec),
    unavailable: kernelUnavailable(spec),
  }));
}

// A kernel whose suite lists an arch the mirror has no build for: its cells there are skips.
function unavailableSkip(
  kernel: string,
  arch: Arch,
  kernels: readonly KernelChoice[],
): { reason: string } | undefined {
  const why = kernels.find((k) => k.kernel === kernel)?.unavailable?.[arch];
  return why ? { reason: `${kernel} has no ${arch} build: ${why}` } : undefined;
}

function kernelsFor(
  testCase: TestCase,
  arch: Arch,
  kernels: readonly KernelChoice[],
): KernelChoice[] {
  const fit = kernels.filter((k) => k.arches.includes(arch) || k.unavailable?.[arch]);
  const wanted = testCase.kernels
    ? fit.filter(({ kernel }) => testCase.kernels?.some((glob) => globMatch(glob, kernel)))
    : fit;
  // A host script runs on this machine, not in a guest: one cell, whatever the kernels.
  return testCase.kind === "script" ? wanted.slice(0, 1) : wanted;
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
