// Deterministic sharding "I/N": cell k belongs to shard (k mod N) + 1, so every cell is in exactly one.
import { inputError } from "../errors.ts";

/** A 1-based shard index and the shard count. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses "I/N" from `flag`; anything but 1 ≤ I ≤ N is a bad-input error. */
export function parseShard(value: string, flag = "--shard"): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw inputError("ESHARD", `bad shard ${JSON.stringify(value)} in ${flag}`, {
      hint: "write I/N with 1 ≤ I ≤ N, e.g. --shard 2/4 for the second of four shards",
    });
  }
  return { index, count };
}

/** The items of one shard; round-robin keeps shards within one cell of each other in size. */
export function takeShard<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, position) => position % shard.count === shard.index - 1);
}
