// Guest package recipes (pkg/NAME/build.yml): which Debian packages and files make an OCI image.
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { createHash } from "node:crypto";
import schema from "./recipe.schema.json" with { type: "json" };
import { compileSchema, validateYaml } from "../../util/schema.ts";
import { readYaml } from "../../util/yaml-source.ts";
import { HarnessError, inputError, throwAll } from "../../errors.ts";
import { choicesHint } from "../../util/suggest.ts";

const validate = compileSchema(schema);

/** A recipe as written. */
export interface Recipe {
  name: string;
  dir: string;
  summary: string;
  debian?: { packages: string[]; closure?: boolean; exclude?: string[]; prune?: string[] };
  files?: {
    path: string;
    source?: string;
    contents?: string;
    directory?: boolean;
    symlink?: string;
    mode?: string;
  }[];
  config?: {
    entrypoint?: string[];
    cmd?: string[];
    env?: string[];
    workingDir?: string;
    labels?: Record<string, string>;
  };
  /** sha256 over build.yml and every file the recipe copies. */
  contentHash: string;
}

/** Names of the recipes under `pkgRoot`. */
export async function recipeNames(pkgRoot: string): Promise<string[]> {
  const entries = await readdir(pkgRoot, { withFileTypes: true }).catch(() => []);
  const names: string[] = [];
  for (const entry of entries) {
    if (
      entry.isDirectory() &&
      (await stat(join(pkgRoot, entry.name, "build.yml")).catch(() => undefined))
    )
      names.push(entry.name);
  }
  return names.sort();
}

/** Loads and validates pkg/NAME/build.yml. */
export async function loadRecipe(pkgRoot: string, name: string): Promise<Recipe> {
  const dir = join(pkgRoot, name);
  const file = join(dir, "build.yml");
  if (!(await stat(file).catch(() => undefined))) {
    throw new HarnessError(
      "EPKGNOTFOUND",
      `no guest package recipe "${name}" (looked for ${file})`,
      {
        exitCode: 2,
        hint: choicesHint(name, await recipeNames(pkgRoot)),
      },
    );
  }
  const { source, errors } = await readYaml(file);
  throwAll(errors);
  throwAll(validateYaml(validate, source as NonNullable<typeof source>, "EPKGRECIPE"));
  const recipe = (source as NonNullable<typeof source>).value as Omit<
    Recipe,
    "name" | "dir" | "contentHash"
  >;
  const hash = createHash("sha256").update(await readFile(file));
  for (const entry of recipe.files ?? []) {
    if (!entry.source) continue;
    const data = await readFile(join(dir, entry.source)).catch(() => {
      throw inputError(
        "EPKGRECIPE",
        `file source ${entry.source} of ${entry.path} not found in ${dir}`,
      );
    });
    hash.update(entry.source).update(data);
  }
  return { ...recipe, name, dir, contentHash: hash.digest("hex") };
}
