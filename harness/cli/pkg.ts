// harness pkg: build the guest packages under pkg/ into the local image store.
import { inputError } from "../errors.ts";
import { parseArch } from "../matrix/arches.ts";
import type { Command } from "../util/command.ts";

/** `harness pkg build [NAME..] [--arch A..]`, `harness pkg list`. */
export const pkgCommand: Command = {
  name: "pkg",
  summary: "Build the guest packages (pkg/NAME) into the local image store, or list them",
  usage: "harness pkg build [NAME..] [--arch A..] | harness pkg list",
  flags: [
    {
      name: "arch",
      type: "list",
      valueName: "A",
      description: "arches to build (default: x86_64,aarch64)",
    },
  ],
  async run(args, io) {
    const [action, ...names] = args.positionals;
    const { buildContext } = await import("../builder/context.ts");
    const { buildPackage } = await import("../builder/pkg/build-pkg.ts");
    const { recipeNames } = await import("../builder/pkg/recipe.ts");
    const context = buildContext(io.env);
    const all = await recipeNames(context.pkgRoot);
    if (action === "list") {
      io.stdout.write(`${all.join("\n")}\n`);
      return 0;
    }
    if (action !== "build")
      throw inputError("EUSAGE", `unknown pkg action ${JSON.stringify(action ?? "")}`, {
        hint: "use harness pkg build [NAME..] or harness pkg list",
      });
    const arches = (args.list("arch").length > 0 ? args.list("arch") : ["x86_64", "aarch64"]).map(
      (a) => parseArch(a),
    );
    for (const name of names.length > 0 ? names : all) {
      for (const arch of arches) {
        const image = await buildPackage({ ...context, signal: io.signal }, name, arch);
        io.stdout.write(`${image.ref} ${arch} ${image.digest}\n`);
      }
    }
    return 0;
  },
};
