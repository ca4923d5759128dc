// harness bisect --series NAME: the versions a catalogue kernel can be pinned to, oldest first, as
// the kernels to search (NAME@VERSION each).
import { buildContext } from "../builder/context.ts";
import { loadCatalogue } from "../builder/kernels/catalogue-store.ts";
import { compareDebianVersions } from "../builder/kernels/debian-version.ts";
import { inputError } from "../errors.ts";
import { pinVersions } from "../builder/kernels/names.ts";
import { choicesHint } from "../util/suggest.ts";

/** NAME@VERSION for every version the suite serves of kernel `name`, oldest first. */
export async function seriesKernels(name: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const catalogue = await loadCatalogue(buildContext(env).cacheDir);
  const entry = catalogue.kernels.find((k) => k.name === name);
  if (!entry) {
    throw inputError("EKERNELNOTFOUND", `unknown kernel ${JSON.stringify(name)} in --series`, {
      hint: `${choicesHint(
        name,
        catalogue.kernels.map((k) => k.name),
      )}; \`harness kernels --versions\` lists them`,
    });
  }
  return pinVersions(entry)
    .sort(compareDebianVersions)
    .map((version) => `${name}@${version}`);
}
