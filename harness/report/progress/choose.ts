// Picks the live view for `harness run` from its flags and where stdout goes.
import type { Writable } from "node:stream";
import { inputError } from "../../errors.ts";
import { ConsoleFollower } from "./follow.ts";
import { jsonRenderer } from "./json.ts";
import { lineRenderer } from "./line.ts";
import type { ProgressRenderer } from "./renderer.ts";
import { ttyRenderer } from "./tty.ts";

/** The flags and facts the choice depends on. */
export interface ProgressChoice {
  quiet: boolean;
  verbose: boolean;
  json: boolean;
  isTTY: boolean;
  columns?: number;
  env: NodeJS.ProcessEnv;
}

/** The kind of view a run gets. */
export type ProgressKind = "json" | "quiet" | "verbose" | "tty" | "lines";

/** --json, --quiet or --verbose when given (at most one); else redrawing on a terminal outside CI, else lines. */
export function progressKind(choice: ProgressChoice): ProgressKind {
  const given = (["json", "quiet", "verbose"] as const).filter((flag) => choice[flag]);
  if (given.length > 1) {
    throw inputError("EFLAG", `--${given.join(" and --")} cannot be used together`, {
      hint: "pick one of --quiet, --verbose and --json",
    });
  }
  if (given[0]) return given[0];
  const ci = choice.env.CI !== undefined && !["", "0", "false"].includes(choice.env.CI);
  return choice.isTTY && !ci && choice.env.TERM !== "dumb" ? "tty" : "lines";
}

/** The renderer for a kind of view, writing to `out`. */
export function progressRenderer(
  kind: ProgressKind,
  out: Writable,
  choice: Pick<ProgressChoice, "columns" | "env">,
): ProgressRenderer {
  // GitHub Actions folds a failing cell's details into a log group under its first reason.
  const groups = choice.env.GITHUB_ACTIONS === "true";
  switch (kind) {
    case "json":
      return jsonRenderer(out);
    case "quiet":
      return lineRenderer(out, { quiet: true, groups });
    case "verbose":
      return lineRenderer(out, { also: new ConsoleFollower(out), groups });
    case "tty":
      return ttyRenderer(out, {
        ...(choice.columns === undefined ? {} : { columns: choice.columns }),
        color: choice.env.NO_COLOR === undefined || choice.env.NO_COLOR === "",
      });
    default:
      return lineRenderer(out, { groups });
  }
}
