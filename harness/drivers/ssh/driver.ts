// The SSH driver: the run's key goes into the image, the guest boots to the harness init's banner,
// then the case's steps run from the host over the forwarded port 22.
import type { Driver } from "../types.ts";
import { HarnessInitReader } from "../serial/harness-init.ts";
import { channelResultsErrors } from "../case-fields.ts";
import { readSshSteps } from "./case-options.ts";
import { authorizedKeyYaml, driveOverSsh, runKeyPair } from "./drive.ts";
import sshSchema from "./ssh.schema.json" with { type: "json" };
import type { SshStep } from "./types.ts";

/** `driver: ssh`. */
export const sshDriver: Driver = {
  name: "ssh",
  summary: "steps run from the host over SSH, each step a TAP result",
  caseKeys: { ssh: sshSchema },
  readCase(view) {
    const steps = readSshSteps(view);
    return { ...steps, errors: [...channelResultsErrors(view, "ssh"), ...steps.errors] };
  },
  session() {
    const init = new HarnessInitReader();
    let key: { privateKeyPath: string; publicKey: string } | undefined;
    return {
      async imageFiles(context) {
        key = await runKeyPair(context.runDir);
        return [await authorizedKeyYaml(context.cellDir, key.publicKey)];
      },
      bootAsk: (context) => ({
        cmdline: init.cmdline,
        forwardPorts: [22],
        ...(key ? { sshPublicKey: key.publicKey } : {}),
        ...(context.testCase.results === "console" ? { resultsChannel: false } : {}),
      }),
      async ready(machine, console, context) {
        init.watch(machine, console, context);
        await init.banner(machine, console, context);
      },
      async drive(machine, console, context) {
        const tap = await Promise.race([
          driveOverSsh(machine, (context.testCase.driverOptions as SshStep[] | undefined) ?? [], {
            privateKeyPath: (key as { privateKeyPath: string }).privateKeyPath,
            user: "root",
            cellDir: context.cellDir,
            deadlineMs: context.bootTimeoutMs,
            signal: context.signal,
          }),
          console.failure.then((failure) => Promise.reject(failure)),
        ]);
        context.results.write(tap);
        return { failures: [...init.exits] };
      },
    };
  },
};
