// The guest architectures: the vocabulary every part of the harness shares, so it depends on nothing.

/** Guest architectures the matrix knows. */
export type Arch = "x86_64" | "aarch64";

/** All architectures, in matrix order. */
export const ARCHES: readonly Arch[] = ["x86_64", "aarch64"];
