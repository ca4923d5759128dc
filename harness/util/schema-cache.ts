// Compiling JSON Schemas costs a noticeable part of every command's start-up, so each compiled
// validator is kept on disk as ajv standalone code and loaded from there next time.
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Ajv as AjvClass, ValidateFunction } from "ajv";
import { isInstalledCopy, userCacheDir } from "./cache-home.ts";

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// Keyed by the schema alone, so one cache serves every run (HARNESS_CACHE is for builds).
const CACHE = join(isInstalledCopy(ROOT) ? userCacheDir() : join(ROOT, ".cache"), "ajv");
const OPTIONS = { allErrors: true, strict: false, verbose: true } as const;

/** The validator for `schema`: from the disk cache, else compiled now (and cached). */
export function loadValidator(schema: object): ValidateFunction {
  const key = createHash("sha256")
    .update(JSON.stringify([OPTIONS, schema]))
    .digest("hex")
    .slice(0, 24);
  const file = join(CACHE, `${key}.cjs`);
  const cached = loadCached(file);
  if (cached) return cached;
  // Loaded only on a cache miss: ajv's compiler is the expensive part.
  const { Ajv } = require("ajv") as { Ajv: typeof AjvClass };
  const standalone = (
    require("ajv/dist/standalone") as { default: (ajv: unknown, validate: unknown) => string }
  ).default;
  const ajv = new Ajv({ ...OPTIONS, code: { source: true } });
  const validate = ajv.compile(schema);
  try {
    mkdirSync(CACHE, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, standalone(ajv, validate));
    renameSync(temporary, file);
  } catch {
    // A read-only checkout just compiles every time.
  }
  return validate;
}

// Loaded as a module, not evaluated from a string, so Node's compile cache keeps its code too.
// The standalone code is CommonJS that requires ajv's small runtime helpers; it was written by
// this process's ajv into the harness's own cache, so loading it is no more trust than ajv's own compile.
function loadCached(file: string): ValidateFunction | undefined {
  let exported: { default?: ValidateFunction } & ValidateFunction;
  try {
    exported = require(file) as typeof exported;
  } catch {
    // Missing, or unreadable after a crash mid-write elsewhere: compiled and written anew.
    return undefined;
  }
  return exported.default ?? exported;
}
