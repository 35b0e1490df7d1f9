// The load generator: `bun bench/load.ts '<json LoadOptions>'` prints one JSON
// LoadResult. It runs in its own process so it never shares an event loop with
// the server under test or with the benchmark driver.
//
// Why our own, on raw sockets: the same generator drives wrangler, bunflare and
// raw Bun.serve, and on a 2-core machine it competes with the server for CPU,
// so what it costs per request caps the fastest column. Side by side against
// raw Bun.serve on this machine, HTTP/1.1 keep-alive written straight onto
// Bun.connect sockets (one thread, one request in flight per connection)
// reached the highest rates: ~1.3-1.5x Bun's fetch (which adds an HTTP client
// thread) and ~1.5x autocannon on Node, whose latency histogram also rounds to
// whole milliseconds, too coarse for sub-millisecond p99s. It comes from the
// repo's own files: Bun is the npm `bun` package in node_modules.
import { percentile } from "./stats.ts";

export interface LoadOptions {
  url: string;
  /** Concurrent keep-alive connections, each with at most one request in flight. */
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** A response counts as a success only if it is 200 and its body contains this. */
  expect?: string;
  /** Sent as the client's Accept-Encoding; a gzipped body is decoded before `expect` is checked. */
  acceptEncoding?: string;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  firstError?: string;
}

const HEADER_END = Buffer.from("\r\n\r\n");
const decoder = new TextDecoder();

export interface ParsedResponse {
  status: number;
  body: Uint8Array;
  /** Bytes of the buffer this response used; the rest belongs to the next one. */
  consumed: number;
  /** The server said `Connection: close`: the next request needs a new connection. */
  close: boolean;
}

/**
 * One complete HTTP/1.1 response from the start of buf, or undefined while
 * more bytes are needed. Handles what dev servers send: Content-Length or
 * chunked bodies (no trailers), and bodiless responses.
 */
export function parseResponse(buf: Buffer): ParsedResponse | undefined {
  const headerEnd = buf.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const head = buf.toString("latin1", 0, headerEnd);
  const status = Number(head.slice(9, 12));
  const close = /\r\nconnection:[ \t]*close/i.test(head);
  const bodyStart = headerEnd + 4;
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  if (length) {
    const end = bodyStart + Number(length[1]);
    return buf.length < end ? undefined : { status, body: buf.subarray(bodyStart, end), consumed: end, close };
  }
  if (/\r\ntransfer-encoding:[ \t]*chunked/i.test(head)) {
    const parts: Uint8Array[] = [];
    let at = bodyStart;
    for (;;) {
      const lineEnd = buf.indexOf("\r\n", at);
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(buf.toString("latin1", at, lineEnd), 16);
      if (size === 0) {
        if (buf.length < lineEnd + 4) return undefined;
        return { status, body: Buffer.concat(parts), consumed: lineEnd + 4, close };
      }
      const dataStart = lineEnd + 2;
      if (buf.length < dataStart + size + 2) return undefined;
      parts.push(buf.subarray(dataStart, dataStart + size));
      at = dataStart + size + 2;
    }
  }
  return { status, body: new Uint8Array(0), consumed: bodyStart, close };
}

export async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  const acceptEncoding = options.acceptEncoding ? `Accept-Encoding: ${options.acceptEncoding}\r\n` : "";
  const request = Buffer.from(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: */*\r\n${acceptEncoding}\r\n`);
  // Only gzip is asked for here; a body that is not gzip (no magic bytes) is taken as sent.
  const text = (body: Uint8Array) => decoder.decode(acceptEncoding && body[0] === 0x1f && body[1] === 0x8b ? Bun.gunzipSync(body as Uint8Array<ArrayBuffer>) : body);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let measureStart = Number.POSITIVE_INFINITY;
  let measureEnd = Number.POSITIVE_INFINITY;
  let stopped = false;
  const inWindow = (sent: number, done: number) => sent >= measureStart && done <= measureEnd;
  const fail = (reason: string, counted: boolean) => {
    if (!counted) return;
    errors++;
    firstError ??= reason;
  };

  // One keep-alive connection; reconnects if the server closes it.
  const connection = () =>
    new Promise<void>((finished) => {
      let pending = Buffer.alloc(0);
      let sent = 0;
      let inFlight = false;
      const send = (socket: { write(data: Uint8Array): number }) => {
        sent = performance.now();
        inFlight = true;
        socket.write(request);
      };
      const again = () => (stopped ? finished() : void setTimeout(open, 1));
      const open = () => {
        pending = Buffer.alloc(0);
        inFlight = false;
        Bun.connect({
          hostname: url.hostname,
          port: Number(url.port || 80),
          socket: {
            open: send,
            data(socket, chunk) {
              pending = pending.length ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
              const response = parseResponse(pending);
              if (!response) return;
              const done = performance.now();
              inFlight = false;
              pending = pending.subarray(response.consumed);
              const counted = inWindow(sent, done);
              if (response.status !== 200) {
                fail(`HTTP ${response.status}: ${decoder.decode(response.body).slice(0, 120)}`, counted);
              } else if (options.expect && !text(response.body).includes(options.expect)) {
                fail(`unexpected body: ${text(response.body).slice(0, 120)}`, counted);
              } else if (counted) {
                latencies.push(done - sent);
              }
              if (stopped || response.close) socket.end();
              else send(socket);
            },
            close() {
              if (inFlight) fail("connection closed before the response", inWindow(sent, performance.now()));
              again();
            },
            connectError(_socket, error) {
              fail(String(error), inWindow(performance.now(), performance.now()));
              again();
            },
          },
        }).catch(() => {
          // Reported through connectError.
        });
      };
      open();
    });

  const connections = Array.from({ length: options.connections }, connection);
  await Bun.sleep(options.warmupMs);
  measureStart = performance.now();
  measureEnd = measureStart + options.durationMs;
  await Bun.sleep(options.durationMs);
  stopped = true;
  // A connection whose last response never comes must not hold the result back.
  await Promise.race([Promise.all(connections), Bun.sleep(2000)]);
  return {
    requests: latencies.length,
    rps: latencies.length / (options.durationMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
    ...(firstError ? { firstError } : {}),
  };
}

/** Runs the generator in a child Bun process and returns its result. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const proc = Bun.spawn([process.execPath, import.meta.path, JSON.stringify(options)], {
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const killer = setTimeout(() => proc.kill("SIGKILL"), options.warmupMs + options.durationMs + 60_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(killer);
  if (code !== 0) throw new Error(`load generator failed (${code}): ${stderr.trim().slice(0, 300)}`);
  return JSON.parse(stdout) as LoadResult;
}

if (import.meta.main) {
  const options = JSON.parse(process.argv[2] ?? "") as LoadOptions;
  const result = await generateLoad(options);
  process.stdout.write(JSON.stringify(result));
  // Sockets still closing must not keep the process (and the benchmark) waiting.
  process.exit(0);
}
