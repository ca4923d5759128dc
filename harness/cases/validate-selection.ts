// Checks the image YAML of the cases a run takes before any cell starts, as `harness validate`
// and the builder's first steps do (syntax, schema, composition, the files it includes), without
// building or pulling anything. Every problem comes back at once; a shared file is read once.
import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { readImageConfig } from "../builder/yaml/load.ts";
import type { ImageConfig } from "../builder/yaml/types.ts";
import { inputError, type HarnessError } from "../errors.ts";
import type { TestCase } from "./types.ts";

/** Problems found per image file in one pass, so cases sharing a file read it once. */
export type ImageChecks = Map<string, Promise<HarnessError[]>>;

/** Every problem in the image YAML of `cases`, in case order, each reported once. */
export async function caseImageProblems(
  cases: readonly TestCase[],
  checks: ImageChecks = new Map(),
): Promise<HarnessError[]> {
  const found = await Promise.all([...new Set(cases)].map((c) => problemsOfCase(c, checks)));
  return [...new Set(found.flat())];
}

async function problemsOfCase(testCase: TestCase, checks: ImageChecks): Promise<HarnessError[]> {
  const image = testCase.files.image;
  if (testCase.kind === "script") {
    // A script case's YAML is its script's input and may break LinuxKit's rules on purpose
    // (000_build/070_volumes/002_rw_on_ro), so only its syntax is checked.
    if (!image) return [];
    return (await checkOnce(image, checks)).filter((error) => error.code === "EYAML");
  }
  if (!image) return [noImage(testCase)];
  return checkOnce(image, checks);
}

function checkOnce(file: string, checks: ImageChecks): Promise<HarnessError[]> {
  let pending = checks.get(file);
  if (!pending) {
    pending = imageFileProblems(file);
    checks.set(file, pending);
  }
  return pending;
}

/** The problems `harness build FILE` would stop at before resolving or building anything. */
export async function imageFileProblems(file: string): Promise<HarnessError[]> {
  const { config, errors } = await readImageConfig([file]);
  return [...errors, ...unsupported(config), ...(await unreadableSources(config))];
}

function noImage(testCase: TestCase): HarnessError {
  return inputError("ECASEFILE", `case ${testCase.name} has no image YAML`, {
    at: { file: testCase.files.caseFile ?? testCase.dir },
    hint: "add test.yml beside case.yml or set image: in case.yml",
  });
}

// The builder turns volumes away before it starts; a run says so up front.
function unsupported(config: ImageConfig): HarnessError[] {
  const [volume] = config.volumes;
  if (!volume) return [];
  return [
    inputError("EUNSUPPORTED", "volumes: are not supported by this builder yet", {
      at: volume.at,
      hint: "drop the volumes: section; this builder cannot make volumes yet",
    }),
  ];
}

// A files: source the image would include must be a readable file, unless marked optional.
async function unreadableSources(config: ImageConfig): Promise<HarnessError[]> {
  const problems = await Promise.all(
    config.files.map(async (file) => {
      if (!file.source || file.optional) return [];
      const path = resolve(dirname(file.at.file), file.source);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) return [];
      return [
        inputError("EFILES", `files: source ${file.source} for ${file.path} cannot be read`, {
          at: file.at,
          hint: "sources are relative to the YAML file; mark the entry optional: true if it may be absent",
        }),
      ];
    }),
  );
  return problems.flat();
}
