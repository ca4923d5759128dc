// Debian's deb822 control format, as Release and Packages indices use it: paragraphs of "Field: value"
// lines separated by blank lines, continuation lines starting with a space or tab.

/** One paragraph: field names as written (case kept), values with continuation lines joined by "\n". */
export type Deb822Paragraph = Record<string, string>;

/** The paragraphs of a deb822 text; comment lines ("#") are ignored, as the format allows. */
export function parseDeb822(text: string): Deb822Paragraph[] {
  const paragraphs: Deb822Paragraph[] = [];
  let current: Deb822Paragraph | undefined;
  let field: string | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      current = undefined;
      field = undefined;
      continue;
    }
    if (line.startsWith("#")) continue;
    if ((line.startsWith(" ") || line.startsWith("\t")) && current && field) {
      current[field] = `${current[field] ?? ""}\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    if (!current) {
      current = {};
      paragraphs.push(current);
    }
    field = line.slice(0, colon);
    current[field] = line.slice(colon + 1).trim();
  }
  return paragraphs;
}

/** A field by name, case-insensitively, as deb822 field names are. */
export function field(paragraph: Deb822Paragraph, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(paragraph))
    if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** Package names a Depends field names (the first of each "a | b" choice), without versions. */
export function dependsNames(depends: string | undefined): string[] {
  return (depends ?? "")
    .split(",")
    .map((part) => (part.split("|")[0] ?? "").trim().split(/[\s(:]/)[0] ?? "")
    .filter((name) => name !== "");
}
