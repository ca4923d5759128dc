// What --github needs before any client exists: OWNER/REPO and the token. Apart from the client
// (github-client.ts) so commands check their flags without loading octokit (~15 ms a start).
import { inputError } from "../errors.ts";

/** OWNER/REPO from a flag's value; bad input (exit 2) when it is not one. */
export function parseRepoSlug(raw: string, flag = "--github"): { owner: string; repo: string } {
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/.exec(raw);
  if (!match || match[2] === "." || match[2] === "..") {
    throw inputError("EGITHUBREPO", `${flag} ${JSON.stringify(raw)} is not OWNER/REPO`, {
      hint: `e.g. ${flag} linuxkit/linuxkit (in Actions: ${flag} \${{ github.repository }})`,
    });
  }
  return { owner: match[1] as string, repo: match[2] as string };
}

/** Environment variables the token is read from, first found wins. */
export const TOKEN_VARIABLES = ["GITHUB_TOKEN", "GH_TOKEN"] as const;
/** The token from the environment; bad input (exit 2) when --github is given without one. */
export function githubToken(env: NodeJS.ProcessEnv): string {
  for (const name of TOKEN_VARIABLES) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  throw inputError(
    "ETOKEN",
    "--github needs a token in GITHUB_TOKEN (or GH_TOKEN), and none is set",
    {
      hint: "in GitHub Actions add `env: { GITHUB_TOKEN: ${{ github.token }} }` to the step",
    },
  );
}
