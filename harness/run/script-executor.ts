// Host-script cases in rtf's style: test.sh runs on the host; exit 0 passes, 253 cancels, else fails.
import type { AttemptContext, CellExecutor, DriveResult } from "./executor.ts";
import { runProcessTree } from "../util/process-tree.ts";
import { scriptEnv } from "./script-env.ts";

/** Runs a case's test.sh under /bin/sh in the case folder, its output into console.log and the TAP reader. */
export const scriptExecutor: CellExecutor = {
  async build() {},
  async boot() {},
  async drive(context: AttemptContext): Promise<DriveResult> {
    const { cell } = context;
    const script = cell.testCase.files.script;
    if (!script) throw new Error(`case ${cell.testCase.name} has no test.sh`);
    const name =
      cell.repeatIndex > 1 ? `${cell.testCase.name}.${cell.repeatIndex}` : cell.testCase.name;
    const env = scriptEnv({
      casesRoot: context.casesRoot,
      testName: name,
      resultsDir: context.cellDir,
      labels: context.activeLabels,
      host: context.host,
      cell: { platform: cell.platform, arch: cell.arch, kernel: cell.kernel, runId: context.runId },
    });
    const exit = await runProcessTree({
      command: "/bin/sh",
      args: [script],
      cwd: cell.testCase.dir,
      env,
      signal: context.signal,
      onOutput: (chunk) => {
        context.console.write(chunk);
        context.results.write(chunk);
      },
    });
    return { exitCode: exit.exitCode, signal: exit.signal };
  },
  async teardown() {
    // runProcessTree has already stopped every process the script started.
  },
};
