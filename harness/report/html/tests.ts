// The tests a cell reported, as a tree with each outcome; long trees shrink to the failing tests. A
// failing test shows its own diagnostics (its TAP comment and YAML lines) under it.
import type { TestPoint } from "../../results/tap.ts";
import { failingTests } from "../../results/status.ts";
import { html, printable, type Html } from "./escape.ts";

const MAX_SHOWN = 80;

/** The cell's test tree, or only its failing tests when the tree is long. */
export function testsHtml(tests: readonly TestPoint[]): Html {
  const total = countPoints(tests);
  if (total === 0) return html``;
  if (total <= MAX_SHOWN) {
    return html`<h3>Tests <small>${total} reported</small></h3>
      ${tree(tests)}`;
  }
  const failing = failingTests(tests);
  return html`<h3>Failing tests <small>${failing.length} of ${total} reported</small></h3>
    <ul class="tests">
      ${failing.map((t) => html`<li>${point(t, t.path.join(" › "))}</li>`)}
    </ul>`;
}

function tree(tests: readonly TestPoint[]): Html {
  return html`<ul class="tests">
    ${tests.map(
      (t) => html`<li>${point(t, t.name)}${t.children.length > 0 ? tree(t.children) : ""}</li>`,
    )}
  </ul>`;
}

function point(test: TestPoint, name: string): Html {
  return html`<span class="badge o-${test.outcome}">${test.outcome}</span> ${name}${
      test.reason ? html` <small>(${test.reason})</small>` : ""
    }${diagnosticsHtml(test)}`;
}

function diagnosticsHtml(test: TestPoint): Html | string {
  const lines = test.diagnostics ?? [];
  if (lines.length === 0) return "";
  return html`<pre class="diagnostics">${lines.map(printable).join("\n")}</pre>`;
}

function countPoints(tests: readonly TestPoint[]): number {
  return tests.reduce((sum, t) => sum + 1 + countPoints(t.children), 0);
}
