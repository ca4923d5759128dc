// Finds the cases under a folder the way rtf does: numbered folders, prefixes dropped, dotted names.
import { readdir, stat } from "node:fs/promises";
import { join, basename, resolve } from "node:path";
import { HarnessError, inputError } from "../errors.ts";
import { readScriptHeaders } from "./script-headers.ts";
import { readCaseFile, caseTimeouts, DEFAULT_DRIVER, type CaseFileFields } from "./case-file.ts";
import { parseLabels, labelsFromList, mergeLabels, NO_LABELS, type LabelSet } from "./labels.ts";
import type { CaseGroup, TestCase } from "./types.ts";
import { compareText } from "../util/compare.ts";
import { globProblems } from "../util/glob.ts";

/** Everything found under a cases folder, with every problem collected rather than thrown. */
export interface Discovery {
  root: string;
  cases: TestCase[];
  errors: HarnessError[];
}

/** Splits "010_name" into its order and name; folders without a numeric prefix sort first. */
export function orderAndName(folder: string): { order: number; name: string } {
  const match = /^(\d+)_(.+)$/.exec(folder);
  return match ? { order: Number(match[1]), name: match[2] ?? folder } : { order: 0, name: folder };
}

/** Discovers all cases under `root`; a missing folder is a bad-input error. */
export async function discoverCases(root: string): Promise<Discovery> {
  const dir = resolve(root);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw inputError("ECASESDIR", `cases folder not found: ${root}`, {
      hint: "run from the repository root or pass --cases DIR",
    });
  }
  const errors: HarnessError[] = [];
  const rootGroup = await loadGroup(dir, undefined, errors);
  const cases: TestCase[] = [];
  await walk(dir, [rootGroup], cases, errors);
  return { root: dir, cases, errors: [...errors, ...duplicateNames(cases)] };
}

// Names are ids: numeric prefixes are dropped, so 010_foo and 020_foo (or a test.sh case and a
// case.yml one) in the same group would both be group.foo, and a run could not tell them apart.
function duplicateNames(cases: readonly TestCase[]): HarnessError[] {
  const first = new Map<string, TestCase>();
  return cases.flatMap((testCase) => {
    const earlier = first.get(testCase.name);
    if (!earlier) {
      first.set(testCase.name, testCase);
      return [];
    }
    return [
      inputError(
        "EDUPCASE",
        `two cases are named ${JSON.stringify(testCase.name)}: ${earlier.dir} and ${testCase.dir}`,
        {
          at: { file: testCase.dir },
          hint: "rename one of the folders: numeric prefixes are dropped from case names",
        },
      ),
    ];
  });
}

async function walk(
  dir: string,
  groups: CaseGroup[],
  cases: TestCase[],
  errors: HarnessError[],
): Promise<void> {
  const parent = groups[groups.length - 1];
  for (const folder of await sortedSubfolders(dir)) {
    const path = join(dir, folder);
    const entries = new Set(await readdir(path));
    if (entries.has("test.sh") || entries.has("case.yml")) {
      const found = await loadCase(path, groups, entries, errors);
      if (found) cases.push(found);
    } else if (entries.has("group.sh") || (await hasSubfolder(path, entries))) {
      const group = await loadGroup(path, parent, errors);
      await walk(path, [...groups, group], cases, errors);
    }
  }
}

async function sortedSubfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter(
      (entry) => entry.isDirectory() && !entry.name.startsWith("_") && !entry.name.startsWith("."),
    )
    .map((entry) => entry.name)
    .sort((a, b) => orderAndName(a).order - orderAndName(b).order || compareText(a, b));
}

async function hasSubfolder(dir: string, entries: Set<string>): Promise<boolean> {
  for (const entry of entries) {
    if (entry.startsWith("_") || entry.startsWith(".")) continue;
    if ((await stat(join(dir, entry))).isDirectory()) return true;
  }
  return false;
}

async function loadGroup(
  dir: string,
  parent: CaseGroup | undefined,
  errors: HarnessError[],
): Promise<CaseGroup> {
  const script = join(dir, "group.sh");
  const exists = await stat(script).then(
    (s) => s.isFile(),
    () => false,
  );
  let labels: LabelSet = NO_LABELS;
  let headerName: string | undefined;
  if (exists) {
    try {
      const headers = await readScriptHeaders(script);
      labels = parseLabels(headers.labels ?? "", `# LABELS: of ${script}`);
      headerName = headers.name;
    } catch (error) {
      errors.push(asInputError(error));
    }
  }
  const own = orderAndName(basename(dir)).name;
  const name = parent === undefined ? (headerName ?? "") : joinName(parent.name, own);
  return { name, dir, labels, ...(exists ? { script } : {}) };
}

function joinName(parent: string, child: string): string {
  return parent === "" ? child : `${parent}.${child}`;
}

async function loadCase(
  dir: string,
  groups: CaseGroup[],
  entries: Set<string>,
  errors: HarnessError[],
): Promise<TestCase | undefined> {
  const parent = groups[groups.length - 1];
  const name = joinName(parent?.name ?? "", orderAndName(basename(dir)).name);
  const script = entries.has("test.sh") ? join(dir, "test.sh") : undefined;
  const caseFile = entries.has("case.yml") ? join(dir, "case.yml") : undefined;
  try {
    const headers = script ? await readScriptHeaders(script) : {};
    let fields: CaseFileFields = {};
    let driverOptions: unknown;
    if (caseFile) {
      const read = await readCaseFile(caseFile);
      if (!read.fields) {
        errors.push(...read.errors);
        return undefined;
      }
      fields = read.fields;
      driverOptions = read.driverOptions;
    }
    const imageName = fields.image ?? "test.yml";
    const image = entries.has(imageName) || fields.image ? join(dir, imageName) : undefined;
    const ownLabels = fields.labels
      ? labelsFromList(fields.labels, `labels: of ${caseFile}`)
      : parseLabels(headers.labels ?? "", `# LABELS: of ${script}`);
    const inherited = groups.reduce((all, group) => mergeLabels(all, group.labels), NO_LABELS);
    const globErrors = caseGlobProblems(fields, caseFile ?? dir);
    if (globErrors.length > 0) {
      errors.push(...globErrors);
      return undefined;
    }
    const author = fields.author ?? headers.author;
    const issue = fields.issue ?? headers.issue;
    return {
      name,
      dir,
      kind: script ? "script" : "image",
      summary: fields.summary ?? headers.summary ?? "",
      labels: mergeLabels(ownLabels, inherited),
      groups,
      repeat: fields.repeat ?? headers.repeat ?? 1,
      exclude: fields.exclude ?? [],
      skip: fields.skip ?? [],
      timeouts: caseTimeouts(fields),
      driver: script ? "script" : (fields.driver ?? DEFAULT_DRIVER),
      files: {
        ...(caseFile ? { caseFile } : {}),
        ...(script ? { script } : {}),
        ...(image ? { image } : {}),
      },
      ...(author ? { author } : {}),
      ...(issue ? { issue } : {}),
      ...(fields.platforms ? { platforms: fields.platforms } : {}),
      ...(fields.arches ? { arches: fields.arches } : {}),
      ...(fields.kernels ? { kernels: fields.kernels } : {}),
      ...(fields.expect ? { expect: fields.expect } : {}),
      ...(fields.memory ? { memoryMiB: fields.memory } : {}),
      ...(fields.cpus ? { cpus: fields.cpus } : {}),
      ...(fields.results === "channel" || fields.results === "console"
        ? { results: fields.results }
        : {}),
      ...(driverOptions === undefined ? {} : { driverOptions }),
      ...(fields.disks ? { disks: fields.disks.map((d) => d.size) } : {}),
      ...(fields.kernel?.allow ? { kernelAllow: fields.kernel.allow } : {}),
    };
  } catch (error) {
    errors.push(asInputError(error));
    return undefined;
  }
}

// The kernel and platform globs of case.yml, checked here so a bad one is reported with its file.
function caseGlobProblems(fields: CaseFileFields, file: string): HarnessError[] {
  const filters = [...(fields.exclude ?? []), ...(fields.skip ?? [])];
  const globs = [
    ...(fields.kernels ?? []),
    ...filters.flatMap((filter) => [filter.kernel, filter.platform]),
  ].filter((glob): glob is string => glob !== undefined);
  return globProblems(globs, file);
}

// Only the harness's own input errors are collected; anything else is a bug and propagates.
function asInputError(error: unknown): HarnessError {
  if (error instanceof HarnessError) return error;
  throw error;
}
