// The certificate for `dev --local-protocol https`: a self-signed one for
// localhost, made here with node:crypto (a P-256 key and a small DER writer for
// the X.509 structure) so no network and no `openssl` binary are needed. It is
// kept under ~/.bunflare/local-cert and made again once it nears expiry.
// `--https-key-path` / `--https-cert-path` (or WRANGLER_HTTPS_KEY_PATH /
// WRANGLER_HTTPS_CERT_PATH) use the user's own, checked as wrangler checks them.
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { UserError } from "../errors.ts";
import { log } from "../log.ts";

const VALID_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

// --- DER: tag, length, contents ---
function der(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}
const sequence = (...parts: Uint8Array[]) => der(0x30, ...parts);
const set = (...parts: Uint8Array[]) => der(0x31, ...parts);
const explicit = (n: number, ...parts: Uint8Array[]) => der(0xa0 + n, ...parts);
const utf8 = (text: string) => der(0x0c, Buffer.from(text, "utf8"));
const octets = (bytes: Uint8Array) => der(0x04, bytes);
const bitString = (bytes: Uint8Array) => der(0x03, Buffer.from([0]), bytes);
const bool = (value: boolean) => der(0x01, Buffer.from([value ? 0xff : 0]));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number) as [number, number, ...number[]];
  const bytes = [a * 40 + b];
  for (const value of rest) {
    const groups = [value & 0x7f];
    for (let v = value >>> 7; v > 0; v >>>= 7) groups.unshift((v & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return der(0x06, Buffer.from(bytes));
}

function positiveInteger(bytes: Uint8Array): Buffer {
  // DER integers are minimal (TLS stacks refuse a certificate whose serial starts
  // with a needless zero byte) and signed (a leading 1 bit needs a zero before it).
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const minimal = bytes.subarray(start);
  return der(0x02, minimal[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal);
}

/** UTCTime up to 2049, GeneralizedTime after, as X.509 requires. */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(iso.slice(2))) : der(0x18, Buffer.from(iso));
}

const name = (commonName: string) => sequence(set(sequence(oid("2.5.4.3"), utf8(commonName))));
const extension = (id: string, critical: boolean, value: Uint8Array) =>
  sequence(oid(id), ...(critical ? [bool(true)] : []), octets(value));

/** A self-signed certificate for localhost, 127.0.0.1 and ::1, and its key, both PEM. */
export function makeLocalCertificate(now = new Date(), serial: Uint8Array = randomBytes(16)): { key: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const ecdsaWithSha256 = sequence(oid("1.2.840.10045.4.3.2"));
  const altNames = sequence(
    der(0x82, Buffer.from("localhost")),
    der(0x87, Buffer.from([127, 0, 0, 1])),
    der(0x87, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
  );
  const tbs = sequence(
    explicit(0, der(0x02, Buffer.from([2]))), // v3
    positiveInteger(serial),
    ecdsaWithSha256,
    name("localhost"),
    sequence(time(new Date(now.getTime() - DAY_MS)), time(new Date(now.getTime() + VALID_DAYS * DAY_MS))),
    name("localhost"),
    publicKey.export({ type: "spki", format: "der" }),
    explicit(
      3,
      sequence(
        extension("2.5.29.19", true, sequence()), // basicConstraints: not a CA
        extension("2.5.29.15", true, der(0x03, Buffer.from([7, 0x80]))), // keyUsage: digitalSignature
        extension("2.5.29.37", false, sequence(oid("1.3.6.1.5.5.7.3.1"))), // extKeyUsage: serverAuth
        extension("2.5.29.17", false, altNames),
      ),
    ),
  );
  const certificate = sequence(tbs, ecdsaWithSha256, bitString(sign("sha256", tbs, privateKey)));
  const base64 = certificate.toString("base64").replace(/.{1,64}/g, "$&\n");
  return {
    key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    cert: `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`,
  };
}

/** Where the generated certificate is kept (beside the dev registry, in the user's home). */
export function localCertDir(): string {
  return path.join(homedir(), ".bunflare", "local-cert");
}

/** The stored certificate, made first when missing, unreadable or within a day of expiry. */
function storedCertificate(): { key: string; cert: string } {
  const dir = localCertDir();
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  try {
    const key = readFileSync(keyFile, "utf8");
    const cert = readFileSync(certFile, "utf8");
    createPrivateKey(key);
    if (Date.parse(new X509Certificate(cert).validTo) - Date.now() > DAY_MS) return { key, cert };
  } catch {
    // Missing or damaged: made again below.
  }
  const made = makeLocalCertificate();
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, made.key, { mode: 0o600 });
  writeFileSync(certFile, made.cert);
  return made;
}

/** The key and certificate `dev --local-protocol https` serves with. */
export function httpsCertificate(keyPath?: string, certPath?: string): { key: string; cert: string } {
  keyPath ??= process.env.WRANGLER_HTTPS_KEY_PATH || undefined;
  certPath ??= process.env.WRANGLER_HTTPS_CERT_PATH || undefined;
  if (keyPath === undefined && certPath === undefined) return storedCertificate();
  if (keyPath === undefined || certPath === undefined) {
    throw new UserError("Must specify both certificate path and key path to use a Custom Certificate.");
  }
  if (!existsSync(keyPath)) throw new UserError(`Missing Custom Certificate Key at ${keyPath}`);
  if (!existsSync(certPath)) throw new UserError(`Missing Custom Certificate File at ${certPath}`);
  // Wrangler's logger.log with two arguments: joined by a space.
  log.info(`Using custom certificate at  ${keyPath}`);
  return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8") };
}
