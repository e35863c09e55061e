import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { sha256File } from './outbox-files.js';

export const MANIFEST_SUFFIX = '.manifest.json';
export const SIGNATURE_ALGORITHM = 'HMAC-SHA256';

/** What travels beside a payment file: its identity, totals and hash, signed by Sika. */
export interface ManifestContent {
  fileName: string;
  programme: string;
  cycleId: number;
  /** The cycle's period key: "106" for LEAP, "2026-11-02..2026-11-15" for LIPW. */
  period: string;
  channel: string;
  sequence: number;
  format: string;
  messageId: string;
  paymentInfoId: string;
  txCount: number;
  /** Decimal string, two places. */
  controlSum: string;
  sha256: string;
  /** ISO 8601 UTC: the submission's creation time, so a rewrite gives the same bytes. */
  createdAt: string;
  /** The sealed cycle's SHA-256; absent from manifests written before it was recorded. */
  cycleSeal?: string;
}

export interface Manifest extends ManifestContent {
  signature: { algorithm: typeof SIGNATURE_ALGORITHM; value: string } | null;
}

const ManifestSchema = z
  .object({
    fileName: z.string(),
    programme: z.string(),
    cycleId: z.number().int(),
    period: z.string(),
    channel: z.string(),
    sequence: z.number().int(),
    format: z.string(),
    messageId: z.string(),
    paymentInfoId: z.string(),
    txCount: z.number().int(),
    controlSum: z.string().regex(/^\d{1,12}\.\d{2}$/),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    createdAt: z.string(),
    cycleSeal: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    signature: z
      .object({ algorithm: z.literal(SIGNATURE_ALGORITHM), value: z.string() })
      .nullable(),
  })
  // Unknown fields would be unsigned content riding along: the manifest is refused instead.
  .strict();

export function manifestPath(paymentFilePath: string): string {
  return `${paymentFilePath}${MANIFEST_SUFFIX}`;
}

/**
 * The bytes that are signed: every field but the signature, keys in sorted order, no spaces.
 * Sorting makes the form independent of how the manifest was built or pretty-printed.
 */
export function canonicalManifest(content: ManifestContent): string {
  const sorted = Object.fromEntries(
    Object.entries(content)
      .filter(([k]) => k !== 'signature')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return JSON.stringify(sorted);
}

function hmac(content: ManifestContent, key: string): string {
  return createHmac('sha256', key).update(canonicalManifest(content), 'utf8').digest('hex');
}

/** The manifest with its signature; without a key it is written unsigned (signature null). */
export function signManifest(content: ManifestContent, key: string | undefined): Manifest {
  return {
    ...content,
    signature: key ? { algorithm: SIGNATURE_ALGORITHM, value: hmac(content, key) } : null,
  };
}

/** The manifest file's text: pretty-printed for people, signed over the canonical form. */
export function manifestText(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export type ManifestProblem =
  | 'manifest_unreadable'
  | 'unsigned'
  | 'bad_signature'
  | 'file_missing'
  | 'file_name_differs'
  | 'sha256_differs';

export type ManifestCheck =
  { ok: true; manifest: Manifest } | { ok: false; problem: ManifestProblem; manifest?: Manifest };

const same = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Why the manifest's signature does not hold for `key`, or null when it does. */
export function signatureCheck(
  manifest: Manifest,
  key: string,
): 'unsigned' | 'bad_signature' | null {
  if (!manifest.signature) return 'unsigned';
  return same(hmac(manifest, key), manifest.signature.value) ? null : 'bad_signature';
}

/**
 * Checks a payment file against its manifest: the signature over the manifest with `key`, then
 * the file's name and SHA-256. `path` is the payment file or its manifest. Any changed byte in
 * either is a failed check, returned as a value.
 */
export async function verifyManifest(path: string, key: string): Promise<ManifestCheck> {
  const filePath = path.endsWith(MANIFEST_SUFFIX) ? path.slice(0, -MANIFEST_SUFFIX.length) : path;
  let manifest: Manifest;
  try {
    const text = await readFile(manifestPath(filePath), 'utf8');
    manifest = ManifestSchema.parse(JSON.parse(text)) as Manifest;
  } catch {
    return { ok: false, problem: 'manifest_unreadable' };
  }

  const signed = signatureCheck(manifest, key);
  if (signed) return { ok: false, problem: signed, manifest };
  if (manifest.fileName !== basename(filePath)) {
    return { ok: false, problem: 'file_name_differs', manifest };
  }
  const present = await stat(filePath).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!present) return { ok: false, problem: 'file_missing', manifest };
  if (!same(await sha256File(filePath), manifest.sha256)) {
    return { ok: false, problem: 'sha256_differs', manifest };
  }
  return { ok: true, manifest };
}

/** The manifest beside a payment file, unchecked, or undefined when there is none to read. */
export async function readManifest(paymentFilePath: string): Promise<Manifest | undefined> {
  try {
    const text = await readFile(manifestPath(paymentFilePath), 'utf8');
    return ManifestSchema.parse(JSON.parse(text)) as Manifest;
  } catch {
    return undefined;
  }
}
