// The run directory: logs/<run-id>/ with run.json, junit.xml, summary.md, cells/, and logs/latest.
import { mkdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { randomBytes } from "node:crypto";
import { inputError } from "../errors.ts";
import { writeFileAtomic, symlinkAtomic } from "../util/atomic-write.ts";
import { junitXml } from "../results/junit.ts";
import { consoleTails } from "../results/junit-console.ts";
import { summaryMarkdown } from "../results/summary-md.ts";
import type { RunRecord } from "../results/run-record.ts";
import { writeHtmlReport } from "../report/html/write.ts";

const RUN_ID = /^[A-Za-z0-9._-]+$/;

/** A fresh run id: UTC time plus a short random suffix, sortable by start. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}

/** Checks a --run-id and that its folder does not exist yet; both before anything is written. */
export async function checkRunId(logsDir: string, runId: string): Promise<void> {
  if (!RUN_ID.test(runId) || runId === "latest" || runId.startsWith(".")) {
    throw inputError("ERUNID", `bad run id ${JSON.stringify(runId)} in --run-id`, {
      hint: 'use letters, digits, ".", "_" and "-" (and not "latest")',
    });
  }
  if (await stat(join(logsDir, runId)).catch(() => undefined)) {
    throw inputError("ERUNEXISTS", `run directory ${join(logsDir, runId)} already exists`, {
      hint: "pick another --run-id or remove the old run",
    });
  }
}

/** Creates the run's folder. */
export async function createRunDir(logsDir: string, runId: string): Promise<string> {
  const dir = join(logsDir, runId);
  await mkdir(join(dir, "cells"), { recursive: true });
  return dir;
}

/** Writes run.json, junit.xml, summary.md and index.html, each atomically, and points logs/latest at the run. */
export async function writeRunRecord(
  logsDir: string,
  runDir: string,
  run: RunRecord,
): Promise<void> {
  await writeRunFiles(runDir, run);
  await symlinkAtomic(relative(logsDir, runDir), join(logsDir, "latest"));
}

/** Writes (or rewrites) a run folder's run.json, junit.xml, summary.md and index.html. */
export async function writeRunFiles(runDir: string, run: RunRecord): Promise<void> {
  const junit = junitXml(run, {
    consoleTails: await consoleTails(runDir, run),
    cwd: process.cwd(),
  });
  await writeFileAtomic(join(runDir, "junit.xml"), junit);
  await writeFileAtomic(join(runDir, "summary.md"), summaryMarkdown(run));
  await writeFileAtomic(join(runDir, "run.json"), `${JSON.stringify(run, null, 2)}\n`);
  await writeHtmlReport(runDir, run, { cwd: process.cwd() });
}
