// A case's `kernel: allow` list applied to the kernel findings: a WARNING whose line matches an
// entry is kept in the record with that entry, and no longer fails the cell.
import type { KernelFindingRecord } from "./run-record.ts";
import type { KernelFinding } from "../console/kernel-findings.ts";

/** A kernel WARNING a case expects (case.yml kernel.allow): recorded, but not failing the cell. */
export interface KernelAllow {
  /** A regular expression matched against the WARNING's line. */
  pattern: string;
  reason: string;
}

/** The findings as recorded: each WARNING the case allows carries the entry that allowed it. */
export function applyAllowances(
  findings: readonly KernelFinding[],
  allow: readonly KernelAllow[],
): KernelFindingRecord[] {
  const compiled = allow.map((entry) => ({ entry, regex: new RegExp(entry.pattern) }));
  return findings.map((finding) => {
    // Only WARNINGs can be allowed: a BUG, an oops or a sanitizer report is never expected.
    const match =
      finding.class === "warning"
        ? compiled.find(({ regex }) => regex.test(finding.line))
        : undefined;
    const copy = { ...finding, excerpt: [...finding.excerpt] };
    return match ? { ...copy, allowedBy: { ...match.entry } } : copy;
  });
}
