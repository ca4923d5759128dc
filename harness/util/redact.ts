// The one redaction step: tokens, keys and credentials become "***" before anything the harness
// sends out is written — a logs repository, a GitHub status or check run, a log line.

/** Masks secrets in text; built once per process (see createRedact) and applied at every sink. */
export type Redact = (text: string) => string;

const MASK = "***";
/** Shorter values are too common to mask without wrecking logs ("1", "true", a port). */
const MIN_SECRET_LENGTH = 8;
/** Environment names that carry secrets: GITHUB_TOKEN, NPM_TOKEN, DEPLOY_SECRET, DB_PASSWORD, … */
const SECRET_NAME =
  /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|API_?KEY|ACCESS_KEY|PRIVATE_KEY)(_|$)/i;

/** Secrets recognised by their shape, wherever they come from. */
const PATTERNS: readonly [RegExp, string | ((...groups: string[]) => string)][] = [
  [
    /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
    `-----BEGIN $1PRIVATE KEY----- ${MASK} -----END $1PRIVATE KEY-----`,
  ],
  // GitHub's token formats: classic, fine-grained, OAuth, App user and server, refresh.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255})\b/g, MASK],
  [/\b(authorization:\s*(?:token|bearer|basic)\s+)[^\s'"]+/gi, `$1${MASK}`],
  // Credentials in URLs: https://TOKEN@host, https://user:TOKEN@host, ssh://user:pass@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]+)(:[^\s/@]*)?@/gi, maskUserinfo],
];

function maskUserinfo(_match: string, scheme: string, user: string, password?: string): string {
  // Over http(s) a lone user name is usually a token; over ssh it is an account ("git@").
  if (password === undefined && !/^https?:/i.test(scheme)) return `${scheme}${user}@`;
  return password === undefined ? `${scheme}${MASK}@` : `${scheme}${user}:${MASK}@`;
}

/** Values of secret-looking environment variables. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && (value ?? "").length >= MIN_SECRET_LENGTH)
    .map(([, value]) => value as string);
}

/** The forms a secret takes on the way out: as is, URL-encoded, base64 (HTTP basic auth), JSON-escaped. */
function variants(secret: string): string[] {
  const forms = [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString("base64"),
    Buffer.from(`x-access-token:${secret}`).toString("base64"),
    // Inside a JSON string (the --json stream, run.json): quotes, backslashes, controls escaped.
    JSON.stringify(secret).slice(1, -1),
    // Byte-for-byte views of text (redactBytes) see UTF-8 as latin1.
    Buffer.from(secret).toString("latin1"),
  ];
  return [...new Set(forms)];
}

/** A Redact that masks the environment's secrets, `extra` secrets and secret-shaped strings. */
export function createRedact(env: NodeJS.ProcessEnv, extra: readonly string[] = []): Redact {
  const literals = [...secretsFromEnv(env), ...extra]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .flatMap(variants)
    .sort((a, b) => b.length - a.length);
  const literal =
    literals.length === 0
      ? undefined
      : new RegExp(literals.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return (text) => {
    let out = literal ? text.replace(literal, MASK) : text;
    for (const [pattern, replacement] of PATTERNS) {
      out =
        typeof replacement === "string"
          ? out.replace(pattern, replacement)
          : out.replace(pattern, replacement);
    }
    return out;
  };
}

/** Redacts file contents byte for byte: bytes outside the secrets are kept exactly. */
export function redactBytes(data: Buffer, redact: Redact): Buffer {
  const text = data.toString("latin1");
  const masked = redact(text);
  return masked === text ? data : Buffer.from(masked, "latin1");
}

/** Redacts every string inside a JSON-like value (keys included), keeping its shape. */
export function redactValue<T>(value: T, redact: Redact): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item, redact)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [redact(key), redactValue(item, redact)]),
    ) as T;
  }
  return value;
}
