// Which harness ran a run, for run.json: its package version and the commit of its checkout, so a
// regression can be set against the harness changes between two runs.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import packageJson from "../../package.json" with { type: "json" };
import { REPO_ROOT } from "../builder/context.ts";
import type { RunRecord } from "./run-record.ts";

const run = promisify(execFile);

/** The harness's version and, when it runs from a git checkout, its HEAD commit. */
export async function harnessIdentity(
  root = REPO_ROOT,
): Promise<NonNullable<RunRecord["harness"]>> {
  const commit = await run("git", ["-C", root, "rev-parse", "--verify", "--quiet", "HEAD"], {
    timeout: 5000,
  }).then(
    (out) => out.stdout.trim(),
    () => "",
  );
  return {
    version: packageJson.version,
    ...(/^[0-9a-f]{40,64}$/.test(commit) ? { commit } : {}),
  };
}
