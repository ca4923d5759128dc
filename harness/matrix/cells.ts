// A matrix cell: one case on one platform, arch and kernel (and one repetition of it).
import type { Arch, TestCase } from "../cases/types.ts";

/** One unit of work the runner schedules. */
export interface Cell {
  /** Stable identity: "case/platform-arch-kernel", with ".rN" for repetitions past the first. */
  id: string;
  testCase: TestCase;
  platform: string;
  arch: Arch;
  kernel: string;
  /** What the build takes when it differs from the name (a file: path behind "file-vmlinuz-…"). */
  kernelSpec?: string;
  repeatIndex: number;
  /** Set when the case declares this combination cannot work; the cell is reported as skip. */
  skipReason?: string;
}

/** The cell's folder under cells/: "case/platform-arch-kernel[.rN]". */
export function cellPath(
  cell: Pick<Cell, "testCase" | "platform" | "arch" | "kernel" | "repeatIndex">,
): string {
  const repeat = cell.repeatIndex > 1 ? `.r${cell.repeatIndex}` : "";
  return `${cell.testCase.name || "root"}/${cell.platform}-${cell.arch}-${cell.kernel}${repeat}`;
}
