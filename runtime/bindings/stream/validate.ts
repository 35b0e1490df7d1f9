// Stream's errors and input checks, in the words of wrangler's local Stream
// (miniflare). Its errors reach a worker across RPC, so what the worker sees is
// a plain Error whose message starts with the class name ("NotFoundError: Video
// not found: <id>"), without code or statusCode: runtime/rpc/stubs.ts makes
// that of these classes.

export class StreamBindingError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = "StreamBindingError";
  }
}

export class BadRequestError extends StreamBindingError {
  constructor(message: string) {
    super(message, 10005, 400);
    this.name = "BadRequestError";
  }
}

export class NotFoundError extends StreamBindingError {
  constructor(message: string) {
    super(message, 10003, 404);
    this.name = "NotFoundError";
  }
}

export class InvalidURLError extends StreamBindingError {
  constructor(message: string) {
    super(message, 10010, 400);
    this.name = "InvalidURLError";
  }
}

/** The runtime's TypeError for reading `key` of a value that is not an object (V8's words, not Bun's). */
export function requireObject(value: unknown, key: string): asserts value is Record<string, unknown> {
  if (value === undefined || value === null) throw new TypeError(`Cannot read properties of ${value} (reading '${key}')`);
}

/** An upload's body is piped into storage: anything but a stream fails as piping it does. */
export function requireStream(body: unknown): asserts body is ReadableStream {
  requireObject(body, "pipeTo");
  if (!(body instanceof ReadableStream)) throw new TypeError("body.pipeTo is not a function");
}

/** A URL the binding fetches, refused as workerd's fetch() refuses it. */
export function requireUrl(url: string): void {
  if (!URL.canParse(url)) throw new TypeError(`Invalid URL: ${url}`);
}

/** Watermark opacity, padding and scale are fractions. */
export function checkWatermarkParams(params: unknown): asserts params is WatermarkParams {
  requireObject(params, "opacity");
  for (const key of ["opacity", "padding", "scale"] as const) {
    const value = (params as WatermarkParams)[key];
    if (value !== undefined && (value < 0 || value > 1)) throw new BadRequestError(`${key} must be between 0.0 and 1.0`);
  }
}

export interface WatermarkParams {
  name?: string;
  opacity?: number;
  padding?: number;
  scale?: number;
  position?: string;
}

const COMPARISONS: Record<string, string> = { eq: "=", gt: ">", gte: ">=", lt: "<", lte: "<=" };

/** The SQL operator of a list's beforeComp / afterComp. */
export function comparison(name: unknown, fallback: string): string {
  const key = name ?? fallback;
  if (typeof key !== "string" || !Object.hasOwn(COMPARISONS, key)) throw new BadRequestError(`Invalid comparison operator: ${String(name)}`);
  return COMPARISONS[key]!;
}

let languageNames: Intl.DisplayNames | undefined;

/** A caption's label: the language's English name, as the runtime's ICU names it; a tag it cannot parse is its RangeError. */
export function languageLabel(language: string): string {
  languageNames ??= new Intl.DisplayNames(["en"], { type: "language" });
  try {
    return languageNames.of(language) ?? language;
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError("invalid_argument");
    throw error;
  }
}
