// The JUnit XML shape CI test reporters accept (Ant's junit schema as Jenkins publishes it, with
// Maven Surefire's rerun elements), checked element by element: a small reader for the XML the
// harness writes, and the rules of each element.

/** An element of a read document. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_m, name: string) => ENTITIES[name] ?? "");
}

/** Reads a well-formed document (no DTD, no CDATA, no comments); throws on anything else. */
export function readXml(text: string): XmlElement {
  const body = text.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, "");
  if (body === text) throw new Error("no XML declaration with UTF-8 encoding");
  const stack: XmlElement[] = [{ name: "#document", attributes: {}, children: [], text: "" }];
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let at = 0;
  for (let match = tag.exec(body); match; match = tag.exec(body)) {
    at = tag.lastIndex;
    const [, closing, name, attrs, selfClosing, text] = match;
    const top = stack.at(-1) as XmlElement;
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) throw new Error(`bad entity in ${text}`);
      top.text += decode(text);
      continue;
    }
    if (closing) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const element: XmlElement = { name: name ?? "", attributes: {}, children: [], text: "" };
    for (const [, key, value] of (attrs ?? "").matchAll(/([\w.-]+)="([^"]*)"/g)) {
      if (key === undefined || key in element.attributes) throw new Error(`attribute ${key} twice`);
      element.attributes[key] = decode(value ?? "");
    }
    top.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (at !== body.length)
    throw new Error(`unreadable XML at ${JSON.stringify(body.slice(at, at + 40))}`);
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)?.name}> never closed`);
  const [root, ...more] = stack[0]?.children ?? [];
  if (!root || more.length > 0 || stack[0]?.text.trim()) throw new Error("not one root element");
  return root;
}

interface Rule {
  required: string[];
  allowed: string[];
  children: Record<string, "?" | "*">;
  /** At most one of these children. */
  oneOf?: string[];
  text?: boolean;
}

const RESULT: Rule = { required: [], allowed: ["message", "type"], children: {}, text: true };
const RERUN: Rule = {
  required: [],
  allowed: ["message", "type"],
  children: { stackTrace: "?", "system-out": "?", "system-err": "?" },
};
const TEXT: Rule = { required: [], allowed: [], children: {}, text: true };

const RULES: Record<string, Rule> = {
  testsuites: {
    required: [],
    allowed: ["name", "tests", "failures", "errors", "skipped", "disabled", "time"],
    children: { testsuite: "*" },
  },
  testsuite: {
    required: ["name", "tests", "failures", "errors", "time"],
    allowed: ["skipped", "disabled", "timestamp", "hostname", "id", "package", "file"],
    children: { properties: "?", testcase: "*", "system-out": "?", "system-err": "?" },
  },
  testcase: {
    required: ["name", "classname", "time"],
    allowed: ["file", "line", "assertions", "status"],
    children: {
      skipped: "?",
      failure: "?",
      error: "?",
      flakyFailure: "*",
      flakyError: "*",
      rerunFailure: "*",
      rerunError: "*",
      "system-out": "?",
      "system-err": "?",
    },
    oneOf: ["skipped", "failure", "error"],
  },
  failure: RESULT,
  error: RESULT,
  skipped: { required: [], allowed: ["message"], children: {}, text: true },
  flakyFailure: RERUN,
  flakyError: RERUN,
  rerunFailure: RERUN,
  rerunError: RERUN,
  stackTrace: TEXT,
  "system-out": TEXT,
  "system-err": TEXT,
};

const COUNTS = ["tests", "failures", "errors", "skipped"] as const;

/** Every way `root` breaks the shape; an empty list when it is a valid JUnit report. */
export function junitProblems(root: XmlElement): string[] {
  const problems: string[] = [];
  if (root.name !== "testsuites") problems.push(`root is <${root.name}>, not <testsuites>`);
  check(root, root.name, problems);
  for (const suite of root.children) {
    const cases = suite.children.filter((c) => c.name === "testcase");
    const count = (kind: string) => cases.filter((c) => c.children.some((x) => x.name === kind));
    const seen = {
      tests: cases.length,
      failures: count("failure").length,
      errors: count("error").length,
      skipped: count("skipped").length,
    };
    for (const key of COUNTS) {
      const said = suite.attributes[key];
      if (said !== undefined && Number(said) !== seen[key])
        problems.push(`testsuite ${suite.attributes.name}: ${key}="${said}", has ${seen[key]}`);
    }
  }
  for (const key of COUNTS) {
    const said = root.attributes[key];
    const sum = root.children.reduce((n, s) => n + Number(s.attributes[key] ?? 0), 0);
    if (said !== undefined && Number(said) !== sum)
      problems.push(`testsuites: ${key}="${said}", its suites sum to ${sum}`);
  }
  return problems;
}

function check(element: XmlElement, where: string, problems: string[]): void {
  const rule = RULES[element.name];
  if (!rule) {
    problems.push(`${where}: unknown element <${element.name}>`);
    return;
  }
  for (const key of rule.required)
    if (!(key in element.attributes)) problems.push(`${where}: no ${key} attribute`);
  for (const key of Object.keys(element.attributes)) {
    if (!rule.required.includes(key) && !rule.allowed.includes(key))
      problems.push(`${where}: attribute ${key} is not in the schema`);
  }
  for (const key of ["time", ...COUNTS, "line"]) {
    const value = element.attributes[key];
    const pattern = key === "time" ? /^\d+(\.\d+)?$/ : /^\d+$/;
    if (value !== undefined && !pattern.test(value))
      problems.push(`${where}: ${key}="${value}" is not a number`);
  }
  if (!rule.text && element.text.trim() !== "")
    problems.push(`${where}: text in <${element.name}>`);
  const names = element.children.map((c) => c.name);
  for (const [name, times] of Object.entries(rule.children)) {
    if (times === "?" && names.filter((n) => n === name).length > 1)
      problems.push(`${where}: more than one <${name}>`);
  }
  if (rule.oneOf && names.filter((n) => rule.oneOf?.includes(n)).length > 1)
    problems.push(`${where}: more than one of ${rule.oneOf.join(", ")}`);
  for (const child of element.children) {
    if (!(child.name in rule.children))
      problems.push(`${where}: <${child.name}> is not allowed in <${element.name}>`);
    else check(child, `${where} > ${child.name}[${child.attributes.name ?? ""}]`, problems);
  }
}
