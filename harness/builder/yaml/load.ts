// Loads LinuxKit image YAML the way `linuxkit build a.yml b.yml` reads it, and reports every
// problem at once, each at file:line:column, so a user fixes them all in one pass.
import { inputError, throwAll, type HarnessError } from "../../errors.ts";
import { checkContainer } from "./check-container.ts";
import { checkFile } from "./check-files.ts";
import { checkMounts } from "./check-mounts.ts";
import {
  checkIdNames,
  checkReferences,
  checkServiceNames,
  checkVolumeNames,
} from "./check-names.ts";
import { composeConfigs } from "./compose.ts";
import { Origins } from "./origins.ts";
import { parseImageFile } from "./parse.ts";
import type { CheckContext } from "./problem.ts";
import type { ImageConfig } from "./types.ts";

/** Reads and composes image YAML files; throws every problem found (exit code 2). */
export async function loadImageConfig(files: readonly string[]): Promise<ImageConfig> {
  const { config, errors } = await readImageConfig(files);
  throwAll(errors);
  return config;
}

/** The problems `loadImageConfig` would throw, as a list (empty when the files are good). */
export async function validateImageFiles(files: readonly string[]): Promise<HarnessError[]> {
  return (await readImageConfig(files)).errors;
}

/** The composed image (of the entries that passed the schema) and every problem found. */
export async function readImageConfig(
  files: readonly string[],
): Promise<{ config: ImageConfig; errors: HarnessError[] }> {
  const origins = new Origins();
  const parsed = await Promise.all(files.map((file) => parseImageFile(file, origins)));
  const config = composeConfigs(parsed.map((file) => file.config));
  const incomplete = new Set(parsed.flatMap((file) => [...file.incomplete]));
  const errors = [
    ...(files.length === 0 ? [noFiles()] : []),
    ...parsed.flatMap((file) => file.errors),
    ...semanticChecks({ origins, incomplete }, config),
  ];
  return { config, errors: inFileOrder(errors, files) };
}

function semanticChecks(context: CheckContext, config: ImageConfig): HarnessError[] {
  const volumes = new Map(config.volumes.map((volume) => [volume.name, volume]));
  const containers = [...config.onboot, ...config.onshutdown, ...config.services];
  return [
    ...checkReferences(context, config),
    ...checkVolumeNames(context, config),
    ...containers.flatMap((container) => [
      ...checkContainer(context, container),
      ...checkMounts(context, container, volumes),
    ]),
    ...checkServiceNames(context, config),
    ...checkIdNames(context, config),
    ...config.files.flatMap((file) => checkFile(context, file)),
  ];
}

function noFiles(): HarnessError {
  return inputError("EIMAGEYAML", "no image YAML file given", {
    hint: "name at least one LinuxKit YAML file",
  });
}

// Problems read top to bottom, file by file, as an editor would show them.
function inFileOrder(errors: HarnessError[], files: readonly string[]): HarnessError[] {
  const rank = (error: HarnessError) => {
    const index = files.indexOf(error.at?.file ?? "");
    return [index < 0 ? files.length : index, error.at?.line ?? 0, error.at?.column ?? 0];
  };
  return errors
    .map((error) => ({ error, key: rank(error) }))
    .sort((a, b) => compare(a.key, b.key))
    .map(({ error }) => error);
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
