// What kernel findings say in a verdict: a reason line for each one that errors or fails the cell.
import { CLASS_TITLES } from "../console/kernel-reports.ts";
import type { KernelFindingRecord } from "./run-record.ts";

/** One line naming a finding: what it is, when on the console it came, and its title line. */
export function findingReason(finding: KernelFindingRecord): string {
  return `${CLASS_TITLES[finding.class]} at +${(finding.atMs / 1000).toFixed(1)}s: ${finding.line}`;
}

/** Reasons of the findings that mean the kernel died or wedged (the cell is an error). */
export function kernelErrorReasons(findings: readonly KernelFindingRecord[]): string[] {
  return findings.filter((f) => f.effect === "error").map(findingReason);
}

/** Reasons of the findings that fail the cell: all but the errors and the allowed WARNINGs. */
export function kernelFailReasons(findings: readonly KernelFindingRecord[]): string[] {
  return findings.filter((f) => f.effect === "fail" && !f.allowedBy).map(findingReason);
}
