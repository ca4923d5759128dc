import assert from "node:assert/strict";
import { resolveGcpSettings } from "../../../platforms/gcp/settings.ts";
import { readSerialPort } from "../../../platforms/gcp/serial.ts";
import { instanceName, labelValue } from "../../../platforms/gcp/names.ts";
import type { GcpApi, SerialChunk } from "../../../platforms/gcp/api.ts";
import type { HarnessError } from "../../../harness/errors.ts";
import { harness } from "../../helpers/cli.ts";

describe("gcp settings", () => {
  it("reads LinuxKit's CLOUDSDK_* names, under harness.yml, under flags", () => {
    const env = {
      CLOUDSDK_CORE_PROJECT: "env-project",
      CLOUDSDK_COMPUTE_ZONE: "europe-west1-d",
      CLOUDSDK_IMAGE_BUCKET: "env-bucket",
      CLOUDSDK_COMPUTE_MACHINE: "n1-standard-1",
    };
    const fromEnv = resolveGcpSettings({}, {}, env);
    assert.equal(fromEnv.project, "env-project");
    assert.equal(fromEnv.machineType, "n1-standard-1");
    assert.equal(fromEnv.computeEndpoint, "https://compute.googleapis.com");
    assert.equal(fromEnv.storageEndpoint, "https://storage.googleapis.com");
    const layered = resolveGcpSettings(
      { zone: "us-central1-a" },
      { project: "config-project" },
      env,
    );
    assert.equal(layered.project, "config-project");
    assert.equal(layered.zone, "us-central1-a");
    assert.equal(layered.bucket, "env-bucket");
    assert.equal(layered.keepImage, false);
  });

  it("reports every missing or malformed setting at once, as bad input", () => {
    assert.throws(
      () => resolveGcpSettings({ zone: "Europe West" }, {}, {}),
      (error: HarnessError) => {
        const text = error.describe();
        assert.equal(error.exitCode, 2);
        for (const expected of [
          "project",
          "bucket",
          "CLOUDSDK_CORE_PROJECT",
          "CLOUDSDK_IMAGE_BUCKET",
          '"Europe West"',
        ])
          assert.ok(text.includes(expected), `${expected} in:\n${text}`);
        return true;
      },
    );
  });

  it("makes instance names and label values Compute Engine accepts", () => {
    const name = instanceName("20261122-130843-F5D5_x");
    assert.match(name, /^[a-z]([-a-z0-9]{0,61}[a-z0-9])$/);
    assert.ok(name.startsWith("harness-20261122-130843-f5d5-x-"), name);
    assert.equal(labelValue("Run/ID.1"), "run-id-1");
  });
});

describe("gcp serial port reader", () => {
  it("follows offsets, retries 503s and says how many bytes fell out of the ring buffer", async () => {
    // The instance printed 10 000 bytes; the ring keeps 4 000; the reader starts late, at 0.
    const text = "x".repeat(10_000);
    const calls: number[] = [];
    let failures = 2;
    const api = {
      serialOutput(_instance: string, _port: number, start: number): Promise<SerialChunk> {
        calls.push(start);
        if (failures-- > 0)
          return Promise.reject(Object.assign(new Error("unavailable"), { code: 503 }));
        const oldest = text.length - 4000;
        const from = Math.max(start, oldest);
        return Promise.resolve({
          contents: text.slice(from, from + 1500),
          start: from,
          next: Math.min(text.length, from + 1500),
        });
      },
    } as unknown as GcpApi;
    const notes: string[] = [];
    const reader = readSerialPort(api, "i", 1, (note) => notes.push(note));
    let received = "";
    reader.stream.on("data", (chunk: Buffer) => (received += chunk.toString()));
    while (received.length < 4000) await new Promise((resolve) => setTimeout(resolve, 50));
    await reader.stop();
    assert.equal(received, text.slice(6000));
    assert.equal(reader.lostBytes, 6000);
    assert.deepEqual(notes, [
      "6000 bytes of serial port 1 were lost: the instance's serial buffer wrapped before they were read",
    ]);
    assert.deepEqual(
      calls.slice(0, 3),
      [0, 0, 0],
      "the two 503s were retried from the same offset",
    );
    assert.ok(calls.includes(7500) && calls.includes(9000), `offsets followed: ${calls.join(",")}`);
  });
});

describe("gcp command line", () => {
  it("harness run --platform gcp without a project, zone or bucket is bad input naming all three", async () => {
    const result = await harness(["run", "--platform", "gcp", "--cases", "cases", "boot.banner"]);
    assert.equal(result.exitCode, 2, result.stderr);
    for (const name of ["CLOUDSDK_CORE_PROJECT", "CLOUDSDK_COMPUTE_ZONE", "CLOUDSDK_IMAGE_BUCKET"])
      assert.match(result.stderr, new RegExp(name));
  });

  it("--gcp-* flags without --platform gcp, and a bad --older-than, are bad input", async () => {
    const stray = await harness([
      "run",
      "--platform",
      "qemu",
      "--gcp-zone",
      "europe-west1-d",
      "boot.banner",
    ]);
    assert.equal(stray.exitCode, 2);
    assert.match(stray.stderr, /--gcp-zone is for --platform gcp/);
    const age = await harness(["gcp", "gc", "--older-than", "yesterday"]);
    assert.equal(age.exitCode, 2);
    assert.match(age.stderr, /--older-than "yesterday" is not a duration/);
    const action = await harness(["gcp", "clean"]);
    assert.equal(action.exitCode, 2);
    assert.match(action.stderr, /harness gcp gc/);
  });
});
