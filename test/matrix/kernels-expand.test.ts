// Kernel expansion: image cases multiply by kernel, host scripts run once; catalogue names and pins
// are cell names as given.
import assert from "node:assert/strict";
import { expandMatrix } from "../../harness/matrix/expand.ts";
import type { TestCase } from "../../harness/cases/types.ts";

function fakeCase(name: string, kind: TestCase["kind"]): TestCase {
  return {
    name,
    dir: "/x",
    kind,
    summary: "",
    labels: { set: new Set(), unset: new Set() },
    groups: [],
    repeat: 1,
    exclude: [],
    skip: [],
    timeouts: {},
    driver: "serial",
    files: {},
  };
}

describe("kernel expansion", () => {
  it("multiplies image cases by kernel, runs host scripts once per platform and arch", () => {
    const cells = expandMatrix([fakeCase("img", "image"), fakeCase("host", "script")], {
      platforms: [{ name: "qemu", arches: ["x86_64", "aarch64"] }],
      arches: ["x86_64", "aarch64"],
      kernels: ["debian-6.1-cloud", "debian-6.12@6.12.95-1~bpo12+1"],
    });
    assert.deepEqual(
      cells.map((c) => c.id),
      [
        "img/qemu-x86_64-debian-6.1-cloud",
        "img/qemu-x86_64-debian-6.12@6.12.95-1~bpo12+1",
        "img/qemu-aarch64-debian-6.1-cloud",
        "img/qemu-aarch64-debian-6.12@6.12.95-1~bpo12+1",
        "host/qemu-x86_64-debian-6.1-cloud",
        "host/qemu-aarch64-debian-6.1-cloud",
      ],
    );
  });
});
