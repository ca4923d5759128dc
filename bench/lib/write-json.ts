// Writes a results file formatted as the repository's Prettier setup wants it, so a benchmark run
// leaves `npm run lint` clean.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { format, resolveConfig } from "prettier";

/** `value` as JSON at `file`, Prettier-formatted. */
export async function writeJson(file: string, value: unknown): Promise<void> {
  const options = (await resolveConfig(file)) ?? {};
  const text = await format(JSON.stringify(value), { ...options, filepath: file });
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}
