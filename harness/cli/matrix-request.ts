// Turns --platform/--arch/--kernel/--include/--exclude/--repeat into a validated matrix and its cells.
import type { Arch } from "../arch.ts";
import { inputError } from "../errors.ts";
import { parseArch } from "../matrix/arches.ts";
import { checkKernelNames } from "../builder/kernels/names.ts";
import { expandMatrix, type MatrixRequest } from "../matrix/expand.ts";
import type { Cell } from "../matrix/cells.ts";
import { findPlatform, PLATFORMS } from "../../platforms/index.ts";
import type { FlagSpec, ParsedArgs } from "../util/args.ts";
import type { CaseSelection } from "./selection.ts";

/** The flags that shape the matrix. */
export const MATRIX_FLAGS: readonly FlagSpec[] = [
  {
    name: "platform",
    short: "p",
    type: "list",
    valueName: "P",
    description: `platforms to run on (${PLATFORMS.map((p) => p.name).join(", ")})`,
  },
  {
    name: "arch",
    type: "list",
    valueName: "A",
    description: "guest architectures: x86_64, aarch64 (default: the host's)",
  },
  {
    name: "kernel",
    type: "list",
    valueName: "K",
    description: "kernel names (default: each arch's default; see harness kernels)",
  },
  {
    name: "include",
    type: "list",
    valueName: "GLOB",
    description: "keep only cells whose id matches (case/platform-arch-kernel)",
  },
  { name: "exclude", type: "list", valueName: "GLOB", description: "drop cells whose id matches" },
  {
    name: "repeat",
    type: "string",
    valueName: "N",
    description: "run each cell N times (overrides the cases' own repeat)",
  },
];

/** Validates the matrix flags; `requirePlatform` makes --platform mandatory (run). */
export async function matrixRequest(
  args: ParsedArgs,
  hostArch: Arch,
  requirePlatform: boolean,
): Promise<MatrixRequest> {
  const platformNames = args.list("platform");
  if (platformNames.length === 0 && requirePlatform) {
    throw inputError("EPLATFORM", "--platform is required", {
      hint: `e.g. --platform ${PLATFORMS[0]?.name ?? ""} (valid: ${PLATFORMS.map((p) => p.name).join(", ")})`,
    });
  }
  const platforms = (platformNames.length > 0 ? platformNames : PLATFORMS.map((p) => p.name)).map(
    (name) => findPlatform(name),
  );
  const archNames = args.list("arch");
  const arches =
    archNames.length > 0 ? [...new Set(archNames.map((a) => parseArch(a)))] : [hostArch];
  const kernels = args.list("kernel");
  await checkKernelNames(kernels);
  const repeat = args.integer("repeat", 1, 1000);
  return {
    platforms: platforms.map((p) => ({ name: p.name, arches: p.arches })),
    arches,
    ...(kernels.length > 0 ? { kernels } : {}),
    include: args.list("include"),
    exclude: args.list("exclude"),
    ...(repeat === undefined ? {} : { repeat }),
  };
}

/** The cells of the selected cases. */
export function selectedCells(selection: CaseSelection, request: MatrixRequest): Cell[] {
  const cases = selection.selections.filter((s) => s.selected).map((s) => s.testCase);
  return expandMatrix(cases, request);
}
