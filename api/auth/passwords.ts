/**
 * Password hashing (scrypt from node:crypto, per-user random salt) and the complexity rules of
 * N-5: at least 8 characters, at least 3 of 4 classes (upper, lower, digit, symbol), not containing
 * the username. scrypt rather than argon2: it ships with Node (no native add-on to build) and its
 * memory-hard cost is tunable; N=2^15 costs ≈ 32 MiB and tens of milliseconds per login.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import type { FieldError } from '../errors';

const scryptAsync = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;

const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LEN = 32;
const MAXMEM = 64 * 1024 * 1024;

/** `scrypt$N$r$p$salt$hash` (base64): parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scryptAsync(password.normalize('NFKC'), salt, KEY_LEN, { ...PARAMS, maxmem: MAXMEM });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  const key = await scryptAsync(password.normalize('NFKC'), salt, expected.length, { N, r, p, maxmem: MAXMEM });
  return key.length === expected.length && crypto.timingSafeEqual(key, expected);
}

/** A hash of a random password: verifying against it costs the same as a real account (no user enumeration by timing). */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomBytes(12).toString('base64'));
  return dummyHash;
}

/** Complexity problems of a new password, in Chinese; empty when the password is acceptable. */
export function passwordProblems(password: string, username: string, field = 'newPassword'): FieldError[] {
  const problems: string[] = [];
  if (password.length < 8) problems.push('密码长度至少 8 位');
  if (password.length > 128) problems.push('密码长度不能超过 128 位');
  const classes = [/[A-Z]/, /[a-z]/, /\d/, /[^A-Za-z\d]/].filter((re) => re.test(password)).length;
  if (classes < 3) problems.push('密码须包含大写字母、小写字母、数字、特殊符号中的至少 3 类');
  if (username && password.toLowerCase().includes(username.toLowerCase())) problems.push('密码不能包含用户名');
  return problems.map((message) => ({ field, message }));
}
