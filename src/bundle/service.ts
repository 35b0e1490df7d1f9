// A small client for esbuild's service protocol, spoken to its binary over
// stdin/stdout (`esbuild --service=<version> --ping`), the way its JS API speaks
// it, without loading that API (~15 ms of Node built-ins). A process kept
// between saves builds without an exec and Go's start each time.
//
// A packet: u32 length, u32 id << 1 | (1 for a response), then one value, tagged:
// 0 null, 1 boolean (u8), 2 int32, 3 string and 4 bytes (u32 length + bytes),
// 5 array (u32 count + values), 6 object (u32 count + length-prefixed key, value).
// All integers little-endian. The service's first packet is its bare version.

export type Value = null | boolean | number | string | Uint8Array | Value[] | { [key: string]: Value };
export type Message = { [key: string]: Value };

const utf8 = new TextEncoder();
const text = new TextDecoder();

function encode(id: number, response: boolean, value: Value): Uint8Array {
  let buf = new Uint8Array(1024);
  let view = new DataView(buf.buffer);
  let len = 0;
  const room = (n: number) => {
    if (len + n <= buf.length) return;
    const bigger = new Uint8Array((len + n) * 2);
    bigger.set(buf);
    buf = bigger;
    view = new DataView(buf.buffer);
  };
  const u8 = (n: number) => (room(1), (buf[len++] = n));
  const u32 = (n: number) => (room(4), view.setUint32(len, n, true), (len += 4));
  const bytes = (b: Uint8Array) => (u32(b.length), room(b.length), buf.set(b, len), (len += b.length));
  const put = (v: Value) => {
    if (v === null) u8(0);
    else if (typeof v === "boolean") u8(1), u8(+v);
    else if (typeof v === "number") u8(2), u32(v | 0);
    else if (typeof v === "string") u8(3), bytes(utf8.encode(v));
    else if (v instanceof Uint8Array) u8(4), bytes(v);
    else if (Array.isArray(v)) {
      u8(5), u32(v.length);
      for (const item of v) put(item);
    } else {
      const keys = Object.keys(v);
      u8(6), u32(keys.length);
      for (const key of keys) bytes(utf8.encode(key)), put(v[key]!);
    }
  };
  u32(0);
  u32((id << 1) | +response);
  put(value);
  view.setUint32(0, len - 4, true);
  return buf.subarray(0, len);
}

function decode(packet: Uint8Array): { id: number; response: boolean; value: Value } {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  let at = 0;
  const u32 = () => ((at += 4), view.getUint32(at - 4, true));
  const bytes = () => {
    const n = u32();
    if (at + n > packet.length) throw new Error("Invalid packet");
    return packet.slice(at, (at += n));
  };
  const get = (): Value => {
    switch (packet[at++]) {
      case 0:
        return null;
      case 1:
        return !!packet[at++];
      case 2:
        return u32() | 0;
      case 3:
        return text.decode(bytes());
      case 4:
        return bytes();
      case 5:
        return Array.from({ length: u32() }, get);
      case 6: {
        const object: Message = {};
        for (let n = u32(); n > 0; n--) {
          const key = text.decode(bytes());
          object[key] = get();
        }
        return object;
      }
      default:
        throw new Error("Invalid packet");
    }
  };
  const head = u32();
  const value = get();
  if (at !== packet.length) throw new Error("Invalid packet");
  return { id: head >>> 1, response: (head & 1) === 1, value };
}

export class EsbuildService {
  private readonly child;
  private readonly pending = new Map<number, { resolve: (value: Message) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private closed: Error | undefined;

  constructor(binary: string, version: string) {
    this.child = Bun.spawn([binary, `--service=${version}`, "--ping"], { stdin: "pipe", stdout: "pipe", stderr: "ignore" });
    this.child.unref();
    void this.read(version).catch((error: Error) => this.close(error));
    void this.child.exited.then(() => this.close(new Error("esbuild's service exited")));
  }

  /** Requests in flight. */
  get busy(): number {
    return this.pending.size;
  }

  /** One request; rejects if the service answers with an error or stops first. */
  request(value: Message): Promise<Message> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send(id, false, value);
    });
  }

  stop(): void {
    this.close(new Error("esbuild's service was stopped"));
  }

  private send(id: number, response: boolean, value: Value): void {
    try {
      this.child.stdin.write(encode(id, response, value));
      const flushed = this.child.stdin.flush();
      if (flushed instanceof Promise) flushed.catch((error: Error) => this.close(error));
    } catch (error) {
      this.close(error as Error);
    }
  }

  private close(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
    this.child.kill();
  }

  private async read(version: string): Promise<void> {
    let buffered = new Uint8Array(0);
    let first = true;
    for await (const chunk of this.child.stdout) {
      const joined = new Uint8Array(buffered.length + chunk.length);
      joined.set(buffered);
      joined.set(chunk, buffered.length);
      const view = new DataView(joined.buffer);
      let at = 0;
      while (at + 4 <= joined.length) {
        const length = view.getUint32(at, true);
        if (at + 4 + length > joined.length) break;
        const packet = joined.subarray(at + 4, at + 4 + length);
        at += 4 + length;
        if (first) {
          first = false;
          if (text.decode(packet) !== version) throw new Error("esbuild's service is another version");
          continue;
        }
        const { id, response, value } = decode(packet);
        const message = value as Message;
        if (!response) {
          // The service pings to learn that this process still listens; no other request is expected.
          this.send(id, true, message.command === "ping" ? {} : { errors: [] });
          continue;
        }
        const waiting = this.pending.get(id);
        this.pending.delete(id);
        if (typeof message.error === "string") waiting?.reject(new Error(message.error));
        else waiting?.resolve(message);
      }
      buffered = joined.slice(at);
    }
  }
}
