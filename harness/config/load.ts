// harness.yml: the project's presets of run flags (`harness run --preset nightly`), how runs are
// published (`publish:`) and the remote runner hosts (`runners:`).
import { stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import schema from "./config.schema.json" with { type: "json" };
import { compileSchema, validateYaml } from "../util/schema.ts";
import { readYaml } from "../util/yaml-source.ts";
import { inputError, throwAll } from "../errors.ts";
import { choicesHint } from "../util/suggest.ts";
import { checkKernelNames } from "../builder/kernels/names.ts";
import { specFromConfig, type RunnerConfig, type RunnerSpec } from "../../platforms/remote/spec.ts";
import type { GcpConfig } from "../../platforms/gcp/settings.ts";

const validate = compileSchema(schema);

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
  /** The `runners:` section: remote runner hosts, checked. */
  runners?: RunnerSpec[];
  /** The `gcp:` section: where --platform gcp runs. */
  gcp?: GcpConfig;
}

/** Reads `harness.yml` from `dir` (or the file given); a missing default file means no presets. */
export async function loadConfig(dir: string, file?: string): Promise<HarnessConfig> {
  const path = file ?? join(dir, "harness.yml");
  if (!(await stat(path).catch(() => undefined))) {
    if (file)
      throw inputError("ECONFIG", `config file not found: ${file}`, {
        hint: "pass an existing file to --config",
      });
    return { presets: {} };
  }
  const { source, errors } = await readYaml(path);
  throwAll(errors);
  const loaded = source as NonNullable<typeof source>;
  throwAll(validateYaml(validate, { ...loaded, value: loaded.value ?? {} }, "ECONFIG"));
  const value = (loaded.value ?? {}) as {
    presets?: Record<string, Preset>;
    publish?: PublishConfig;
    runners?: RunnerConfig[];
    gcp?: GcpConfig;
  };
  const presets = value.presets ?? {};
  for (const [name, preset] of Object.entries(presets)) {
    try {
      await checkKernelNames(preset.kernels ?? [], `preset ${name}`);
    } catch (error) {
      throw inputError("ECONFIG", (error as Error).message, {
        at: loaded.locate(["presets", name, "kernels"]),
        hint: "see harness kernels",
      });
    }
  }
  const runners = (value.runners ?? []).map((entry, i) => {
    try {
      return specFromConfig(entry, dirname(path), `runners[${i}]`);
    } catch (error) {
      throw inputError("ECONFIG", (error as Error).message, {
        at: loaded.locate(["runners", i, "host"]),
        hint: "write host: as user@host or user@host:port",
      });
    }
  });
  return {
    file: path,
    presets,
    ...(value.publish ? { publish: value.publish } : {}),
    ...(value.runners ? { runners } : {}),
    ...(value.gcp ? { gcp: value.gcp } : {}),
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
