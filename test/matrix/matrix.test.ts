import assert from "node:assert/strict";
import { discoverCases } from "../../harness/cases/discover.ts";
import { expandMatrix } from "../../harness/matrix/expand.ts";
import { parseShard, takeShard } from "../../harness/matrix/shard.ts";
import type { TestCase } from "../../harness/cases/types.ts";
import type { HarnessError } from "../../harness/errors.ts";
import { LINUXKIT_CASES, needCorpus } from "../helpers/cli.ts";

const platforms = [
  { name: "qemu", arches: ["x86_64", "aarch64"] as const },
  { name: "other", arches: ["x86_64"] as const },
];

function fakeCase(name: string, extra: Partial<TestCase> = {}): TestCase {
  return {
    name,
    dir: "/x",
    kind: "image",
    summary: "",
    labels: { set: new Set(), unset: new Set() },
    groups: [],
    repeat: 1,
    exclude: [],
    skip: [],
    timeouts: {},
    driver: "serial",
    files: {},
    ...extra,
  };
}

describe("matrix expansion", () => {
  it("crosses cases, platforms, arches and kernels, honouring platform arches", () => {
    const cells = expandMatrix([fakeCase("a")], {
      platforms,
      arches: ["x86_64", "aarch64"],
      kernels: ["debian-6.1-cloud", "debian-6.12"],
    });
    assert.equal(cells.length, 2 * 2 + 1 * 2);
    assert.ok(cells.every((c) => !(c.platform === "other" && c.arch === "aarch64")));
    assert.equal(new Set(cells.map((c) => c.id)).size, cells.length);
  });

  it("narrows by the case's own arches, kernels and exclusions, and marks skips with reasons", () => {
    const testCase = fakeCase("b", {
      arches: ["aarch64"],
      kernels: ["debian-6.1", "debian-6.1-*"],
      exclude: [{ kernel: "debian-6.1-rt" }],
      skip: [{ kernel: "debian-6.1", reason: "needs the cloud config" }],
    });
    const cells = expandMatrix([testCase], {
      platforms: [platforms[0] as (typeof platforms)[0]],
      arches: ["x86_64", "aarch64"],
      kernels: ["debian-6.1", "debian-6.1-rt", "debian-6.1-cloud", "debian-6.12"],
    });
    assert.deepEqual(
      cells.map((c) => c.id),
      ["b/qemu-aarch64-debian-6.1", "b/qemu-aarch64-debian-6.1-cloud"],
    );
    assert.equal(cells[0]?.skipReason, "needs the cloud config");
    assert.equal(cells[1]?.skipReason, undefined);
  });

  it("repeats cells and applies include/exclude globs over cell ids", () => {
    const cells = expandMatrix([fakeCase("c", { repeat: 3 }), fakeCase("d")], {
      platforms,
      arches: ["x86_64"],
      exclude: ["d/*"],
    });
    assert.deepEqual(
      cells.map((c) => c.id),
      [
        "c/qemu-x86_64-debian-6.1-cloud",
        "c/qemu-x86_64-debian-6.1-cloud.r2",
        "c/qemu-x86_64-debian-6.1-cloud.r3",
        "c/other-x86_64-debian-6.1-cloud",
        "c/other-x86_64-debian-6.1-cloud.r2",
        "c/other-x86_64-debian-6.1-cloud.r3",
      ],
    );
  });
});

describe("matrix globs", () => {
  const request = { platforms, arches: ["x86_64", "aarch64"] as const };

  it("match whole cell ids, * crossing the case name's dots and the /", () => {
    const cases = [fakeCase("packages.containerd.snapshotters"), fakeCase("packages.runc")];
    const ids = (include: string[], exclude: string[] = []) =>
      expandMatrix(cases, { ...request, include, exclude }).map((c) => c.id);
    assert.deepEqual(ids(["*aarch64*"]), [
      "packages.containerd.snapshotters/qemu-aarch64-debian-6.1-cloud",
      "packages.runc/qemu-aarch64-debian-6.1-cloud",
    ]);
    assert.deepEqual(ids(["packages.containerd.*"], ["*/other-*"]), [
      "packages.containerd.snapshotters/qemu-x86_64-debian-6.1-cloud",
      "packages.containerd.snapshotters/qemu-aarch64-debian-6.1-cloud",
    ]);
    assert.deepEqual(ids(["packages.*/qemu-x86_64-*"], ["packages.containerd.*"]), [
      "packages.runc/qemu-x86_64-debian-6.1-cloud",
    ]);
    assert.deepEqual(ids(["packages.runc/?emu-[a-x]*"]).length, 2);
  });

  it("match kernels and platforms of a case's own filters", () => {
    const testCase = fakeCase("k", {
      kernels: ["debian-6.1*"],
      skip: [{ platform: "q*", reason: "r" }],
    });
    const cells = expandMatrix([testCase], {
      ...request,
      kernels: ["debian-6.1", "debian-6.1-rt", "debian-6.12"],
    });
    assert.deepEqual(
      cells.filter((c) => c.arch === "x86_64").map((c) => [c.id, c.skipReason]),
      [
        ["k/qemu-x86_64-debian-6.1", "r"],
        ["k/qemu-x86_64-debian-6.1-rt", "r"],
        ["k/qemu-x86_64-debian-6.12", "r"],
        ["k/other-x86_64-debian-6.1", undefined],
        ["k/other-x86_64-debian-6.1-rt", undefined],
        ["k/other-x86_64-debian-6.12", undefined],
      ],
    );
  });

  it("reject every malformed --include and --exclude at once, with its text", () => {
    assert.throws(
      () => expandMatrix([fakeCase("a")], { ...request, include: ["a/[x"], exclude: ["(b*"] }),
      (error: HarnessError) =>
        error.exitCode === 2 &&
        /bad glob "a\/\[x" in --include/.test(error.describe()) &&
        /bad glob "\(b\*" in --exclude/.test(error.describe()),
    );
  });
});

describe("sharding", () => {
  it("puts every cell of LinuxKit's tree in exactly one of 1/3, 2/3, 3/3", async function () {
    needCorpus(this);
    const { cases } = await discoverCases(LINUXKIT_CASES);
    const cells = expandMatrix(cases, { platforms, arches: ["x86_64", "aarch64"] });
    const shards = [1, 2, 3].map((index) => takeShard(cells, { index, count: 3 }));
    const union = shards.flat().map((c) => c.id);
    assert.equal(union.length, cells.length);
    assert.deepEqual(new Set(union), new Set(cells.map((c) => c.id)));
    const sizes = shards.map((s) => s.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `unbalanced: ${sizes.join(",")}`);
  });

  it("rejects shards outside 1..N with the flag and value", () => {
    for (const bad of ["3/2", "0/2", "1/0", "a/b", "2"]) {
      assert.throws(
        () => parseShard(bad),
        (error: HarnessError) => error.exitCode === 2 && error.message.includes(bad),
      );
    }
    assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
  });
});
