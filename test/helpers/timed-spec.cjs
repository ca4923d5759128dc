// mocha's spec reporter, then the slowest test files with the time each took (its hooks included),
// so a long CI run shows where its minutes went. Used by `npm test`.
"use strict";
const { reporters, Runner } = require("mocha");

const SHOWN = 12;

class TimedSpec extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const started = new Map();
    const took = new Map();
    const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_RUN_END } = Runner.constants;
    const fileOf = (suite) => suite.file ?? suite.parent?.file;
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      const file = fileOf(suite);
      if (file && !started.has(file)) started.set(file, Date.now());
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      const file = fileOf(suite);
      if (file && started.has(file)) took.set(file, Date.now() - started.get(file));
    });
    runner.once(EVENT_RUN_END, () => {
      const slowest = [...took].sort((a, b) => b[1] - a[1]).slice(0, SHOWN);
      if (slowest.length === 0) return;
      const total = [...took.values()].reduce((a, b) => a + b, 0);
      console.log(`  slowest test files (of ${took.size}, ${(total / 1000).toFixed(0)} s in all):`);
      for (const [file, ms] of slowest)
        console.log(
          `  ${(ms / 1000).toFixed(1).padStart(7)} s  ${require("node:path").relative(process.cwd(), file)}`,
        );
      console.log("");
    });
  }
}

module.exports = TimedSpec;
