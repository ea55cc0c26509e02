/**
 * Sensitive fields (ID numbers, phone numbers): SM4-CBC encryption at rest, an HMAC-SM3 blind
 * index for exact-match search, and masking for display. Keys come from the environment
 * (GOV_SM4_KEY, GOV_INDEX_KEY: 32 hex chars / 64 hex chars), as the city's crypto cloud (密码云)
 * would inject them; the embedded default derives development keys so `npm start` works anywhere.
 */
import crypto from 'node:crypto';

export interface SensitiveKeys {
  sm4: Buffer; // 16 bytes
  index: Buffer; // 32 bytes
  audit: Buffer; // 32 bytes, the audit chain's HMAC key
}

const DEV_SEED = 'grid-governance-development-only';

function keyFrom(hex: string | undefined, bytes: number, label: string): Buffer {
  if (hex) {
    const buf = Buffer.from(hex, 'hex');
    if (buf.length !== bytes) throw new Error(`${label} must be ${bytes * 2} hex characters`);
    return buf;
  }
  return crypto.createHash('sm3').update(`${DEV_SEED}:${label}`).digest().subarray(0, bytes);
}

export function keysFromEnv(env: NodeJS.ProcessEnv = process.env): SensitiveKeys {
  return {
    sm4: keyFrom(env.GOV_SM4_KEY, 16, 'GOV_SM4_KEY'),
    index: keyFrom(env.GOV_INDEX_KEY, 32, 'GOV_INDEX_KEY'),
    audit: keyFrom(env.GOV_AUDIT_KEY, 32, 'GOV_AUDIT_KEY'),
  };
}

let keys = keysFromEnv();

/** Tests and the CLI may install other keys. */
export function setKeys(k: SensitiveKeys): void {
  keys = k;
}
export function currentKeys(): SensitiveKeys {
  return keys;
}

/** SM4-CBC with a random IV; output = IV (16 bytes) || ciphertext. */
export function encrypt(plain: string): Buffer {
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('sm4-cbc', keys.sm4, iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]);
}

export function decrypt(enc: Buffer): string {
  const decipher = crypto.createDecipheriv('sm4-cbc', keys.sm4, enc.subarray(0, 16));
  return Buffer.concat([decipher.update(enc.subarray(16)), decipher.final()]).toString('utf8');
}

/** HMAC-SM3 of a normalised value: equal inputs give equal indexes, nothing can be read back. */
export function blindIndex(value: string): string {
  return crypto.createHmac('sm3', keys.index).update(value.trim().toUpperCase()).digest('hex');
}

/** 650203199001011234 → 650203********1234 */
export function maskIdNumber(id: string): string {
  if (id.length < 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

/** 13912345678 → 139****5678 */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

/** GB 11643 check digit of the first 17 digits of an ID number. */
export function idNumberCheckDigit(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i];
  return '10X98765432'[sum % 11];
}

export function isValidIdNumber(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && idNumberCheckDigit(id.slice(0, 17)) === id[17];
}
