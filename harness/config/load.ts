// harness.yml: the project's presets of run flags (`harness run --preset nightly`), how runs are
// published (`publish:`), the kernel catalogue's settings, and each platform's own section (its
// key, schema and reading come from the platform).
import { stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import schema from "./config.schema.json" with { type: "json" };
import { compileSchema, validateYaml } from "../util/schema.ts";
import { readYaml } from "../util/yaml-source.ts";
import { inputError, throwAll } from "../errors.ts";
import { choicesHint } from "../util/suggest.ts";
import { checkKernelNames } from "../builder/kernels/names.ts";
import { PLATFORMS } from "../../platforms/index.ts";

const SECTIONS = PLATFORMS.flatMap((p) => (p.settings?.section ? [p.settings.section] : []));

const validate = compileSchema({
  ...schema,
  properties: {
    ...schema.properties,
    ...Object.fromEntries(SECTIONS.map((section) => [section.key, section.schema])),
  },
});

/** One preset: flags a run takes unless the command line says otherwise. */
export interface Preset {
  summary: string;
  platforms?: string[];
  arches?: ("x86_64" | "aarch64")[];
  kernels?: string[];
  labels?: string;
  patterns?: string[];
  exclude?: string[];
  parallel?: number;
  retries?: number;
  timeout?: string;
  /** More cells for the run: other kernels with their own patterns, labels and excludes. */
  also?: PresetPart[];
}

/** One `also:` entry of a preset. */
export interface PresetPart {
  summary?: string;
  kernels: string[];
  patterns?: string[];
  labels?: string;
  exclude?: string[];
}

/** The `publish:` section: links to logs and the logs repository's layout. */
export interface PublishConfig {
  /** URL template for a run's or cell's logs: {runId}, {branch}, {cellDir}. */
  logsUrl?: string;
  gzipAboveBytes?: number;
  indexBranch?: string;
}

/** The loaded configuration. */
export interface HarnessConfig {
  file?: string;
  presets: Record<string, Preset>;
  publish?: PublishConfig;
  /** The platforms' sections by key, as each platform's `read` returned them. */
  sections: Record<string, unknown>;
}

/** Reads `harness.yml` from `dir` (or the file given); a missing default file means no presets. */
export async function loadConfig(dir: string, file?: string): Promise<HarnessConfig> {
  const path = file ?? join(dir, "harness.yml");
  if (!(await stat(path).catch(() => undefined))) {
    if (file)
      throw inputError("ECONFIG", `config file not found: ${file}`, {
        hint: "pass an existing file to --config",
      });
    return { presets: {}, sections: {} };
  }
  const { source, errors } = await readYaml(path);
  throwAll(errors);
  const loaded = source as NonNullable<typeof source>;
  throwAll(validateYaml(validate, { ...loaded, value: loaded.value ?? {} }, "ECONFIG"));
  const value = (loaded.value ?? {}) as {
    presets?: Record<string, Preset>;
    publish?: PublishConfig;
  } & Record<string, unknown>;
  const presets = value.presets ?? {};
  for (const [name, preset] of Object.entries(presets)) {
    try {
      await checkKernelNames(preset.kernels ?? [], `preset ${name}`);
      for (const part of preset.also ?? [])
        await checkKernelNames(part.kernels, `preset ${name} also:`);
    } catch (error) {
      throw inputError("ECONFIG", (error as Error).message, {
        at: loaded.locate(["presets", name, "kernels"]),
        hint: "see harness kernels",
      });
    }
  }
  const sections: Record<string, unknown> = {};
  for (const section of SECTIONS) {
    if (value[section.key] === undefined) continue;
    sections[section.key] = section.read
      ? section.read(value[section.key], { dir: dirname(path), locate: (p) => loaded.locate(p) })
      : value[section.key];
  }
  return {
    file: path,
    presets,
    ...(value.publish ? { publish: value.publish } : {}),
    sections,
  };
}

/** The preset called `name`; unknown names are bad input listing the ones that exist. */
export function findPreset(config: HarnessConfig, name: string): Preset {
  const preset = config.presets[name];
  if (!preset) {
    throw inputError("EPRESET", `unknown preset ${JSON.stringify(name)} in --preset`, {
      hint: `${choicesHint(name, Object.keys(config.presets))}${config.file ? ` (from ${config.file})` : "; no harness.yml found"}`,
    });
  }
  return preset;
}
