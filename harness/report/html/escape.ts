// Everything the report shows from logs and cases is untrusted: it is escaped here, in one place.

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text safe to put in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? "");
  });
  return new Html(out);
}

/** Markup that is already safe; produced only by `html`, `raw` and `join`. */
export class Html {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

/** Trusted markup written by the report itself (CSS, the page script), never log text. */
export function raw(text: string): Html {
  return new Html(text);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === undefined || value === null || value === false) return "";
  if (typeof value === "string" || typeof value === "number") return escapeHtml(String(value));
  throw new TypeError(`report bug: cannot put a ${typeof value} into HTML`);
}

/** Console text as it can be shown: colour codes and other control characters removed. */
export function printable(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- ANSI escape sequences from guest consoles are dropped on purpose.
      .replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]/g, "")
      // eslint-disable-next-line no-control-regex -- so are other control characters (tabs stay).
      .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "")
  );
}

/** A relative link: each path segment URL-encoded. */
export function hrefOf(path: string): string {
  return path
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}
