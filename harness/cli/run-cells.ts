// The cells of a run made of parts (a preset's own flags and its `also:` entries): each part's
// selection and matrix, the cells of all of them, each cell once, in part order.
import type { Cell } from "../matrix/cells.ts";
import type { MatrixRequest } from "../matrix/expand.ts";
import type { ParsedArgs } from "../util/args.ts";
import { matrixRequest, selectedCells } from "./matrix-request.ts";
import { loadSelection, type CaseSelection } from "./selection.ts";

/** The first part's selection and request (what the run was asked for) and every part's cells. */
export interface RunCells {
  selection: CaseSelection;
  request: MatrixRequest;
  cells: Cell[];
}

/** The cells of `parts`; `requirePlatform` makes --platform mandatory (run). */
export async function runCells(
  parts: readonly ParsedArgs[],
  cwd: string,
  requirePlatform: boolean,
): Promise<RunCells> {
  const [first, ...more] = parts;
  if (!first) throw new Error("a run has at least one part");
  const selection = await loadSelection(first, cwd);
  const request = await matrixRequest(first, selection.host.arch, requirePlatform);
  const cells = selectedCells(selection, request);
  const seen = new Set(cells.map((c) => c.id));
  for (const part of more) {
    const partSelection = await loadSelection(part, cwd);
    const partRequest = await matrixRequest(part, partSelection.host.arch, requirePlatform);
    for (const cell of selectedCells(partSelection, partRequest)) {
      if (seen.has(cell.id)) continue;
      seen.add(cell.id);
      cells.push(cell);
    }
  }
  return { selection, request, cells };
}
