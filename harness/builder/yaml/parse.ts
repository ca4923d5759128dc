// One image YAML file: read, checked against image.schema.json, and turned into typed entries.
// Entries the schema rejected are set aside, so the rest can still be checked in the same pass.
import schema from "./image.schema.json" with { type: "json" };
import { compileSchema, validateYamlPaths, type DocumentPath } from "../../util/schema.ts";
import { readYaml, type YamlSource } from "../../util/yaml-source.ts";
import { inputError, type HarnessError } from "../../errors.ts";
import { emptyImageConfig } from "./compose.ts";
import type { Origins } from "./origins.ts";
import type { ContainerSection, ImageConfig } from "./types.ts";

const validate = compileSchema(schema);

/** The list sections of an image YAML, in LinuxKit's processing order. */
export const LIST_SECTIONS = [
  "init",
  "volumes",
  "onboot",
  "onshutdown",
  "services",
  "files",
] as const;

/** The sections that hold containers. */
export const CONTAINER_SECTIONS: readonly ContainerSection[] = ["onboot", "onshutdown", "services"];

/** One file's entries; `incomplete` names the sections some entries were left out of. */
export interface ParsedImageFile {
  config: ImageConfig;
  incomplete: Set<string>;
  errors: HarnessError[];
}

/** Reads one image YAML file; every problem comes back as a located error. */
export async function parseImageFile(file: string, origins: Origins): Promise<ParsedImageFile> {
  const empty = { config: emptyImageConfig([file]), incomplete: new Set(["*"]) };
  const read = await readYaml(file).catch((error: unknown) => ({ error }));
  if ("error" in read) return { ...empty, errors: [unreadable(file, read.error)] };
  const { source, errors } = read;
  // A missing image file is named as one, with the hint for cases.
  if (!source && errors[0]?.code === "ENOTFOUND") {
    return { ...empty, errors: [unreadable(file, { code: "ENOENT" })] };
  }
  if (!source) return { ...empty, errors };
  if (source.value === null || source.value === undefined) {
    const at = { file, line: 1, column: 1 };
    const hint = "add at least one section (kernel, init, onboot, services, files, …)";
    return { ...empty, errors: [inputError("EIMAGEYAML", "image YAML is empty", { at, hint })] };
  }
  const checked = validateYamlPaths(validate, source, "EIMAGEYAML");
  if (!isMap(source.value)) return { ...empty, errors: checked.errors };
  return { ...extract(source, source.value, checked.paths, origins), errors: checked.errors };
}

function unreadable(file: string, error: unknown): HarnessError {
  const missing = (error as { code?: string }).code === "ENOENT";
  return inputError(
    missing ? "ENOTFOUND" : "EREAD",
    missing ? `image file not found: ${file}` : `cannot read image file ${file}`,
    { at: { file }, hint: "check the path, or set image: in case.yml", cause: error },
  );
}

function extract(
  source: YamlSource,
  value: Record<string, unknown>,
  bad: readonly DocumentPath[],
  origins: Origins,
): Omit<ParsedImageFile, "errors"> {
  const config = emptyImageConfig([source.file]);
  const incomplete = new Set<string>();
  // Each entry is copied with its location; the schema has vouched for its shape.
  const entries = <T extends object>(section: string): T[] => {
    const list = value[section];
    if (!Array.isArray(list)) return [];
    return list.flatMap((item: unknown, index) => {
      const path = [section, index];
      if (isTainted(path, bad)) {
        incomplete.add(section);
        return [];
      }
      const at = source.locate(path);
      const entry = (isMap(item) ? { ...item, at } : { image: item, at }) as T;
      origins.record(entry, source, path);
      return [entry];
    });
  };
  for (const section of LIST_SECTIONS) {
    if (isTainted([section], bad, true)) incomplete.add(section);
  }
  config.init = entries("init");
  config.volumes = entries("volumes");
  config.files = entries("files");
  for (const section of CONTAINER_SECTIONS) {
    config[section] = entries<{ section: ContainerSection }>(section).map((entry) =>
      Object.assign(entry, { section }),
    ) as ImageConfig[typeof section];
  }
  if (isTainted(["kernel"], bad)) incomplete.add("kernel");
  else config.kernel = kernelOf(source, value["kernel"]);
  return { config, incomplete };
}

function kernelOf(source: YamlSource, kernel: unknown): ImageConfig["kernel"] {
  const spec: ImageConfig["kernel"] = { at: {} };
  if (!isMap(kernel)) return spec;
  for (const field of ["image", "cmdline", "binary", "tar", "ucode"] as const) {
    const value = kernel[field];
    if (typeof value !== "string") continue;
    spec[field] = value;
    spec.at[field] = source.locate(["kernel", field]);
  }
  return spec;
}

// A failing path taints everything under it and everything above it, up to the section;
// `exact` asks only whether the section itself is broken.
function isTainted(path: DocumentPath, bad: readonly DocumentPath[], exact = false): boolean {
  return bad.some((failed) => {
    if (failed.length === 0) return false;
    if (exact) return failed.length === 1 && failed[0] === path[0];
    return startsWith(failed, path) || startsWith(path, failed);
  });
}

function startsWith(path: DocumentPath, prefix: DocumentPath): boolean {
  return prefix.length <= path.length && prefix.every((step, i) => path[i] === step);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
