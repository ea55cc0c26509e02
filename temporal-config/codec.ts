/**
 * SM4 payload codec (Temporal `PayloadCodec`): every payload that leaves the workflow code —
 * workflow arguments, activity inputs and results, signal data, memo — is stored in history as
 * SM4-CBC ciphertext with an HMAC-SM3 tag, so a fetched history holds no plain ID number or phone.
 * The same codec serves both runtimes: the cluster's DataConverter (`payloadCodecs`) and the
 * embedded engine (its `dataConverter` option).
 *
 * Node's OpenSSL offers sm4-cbc/ctr/ofb/cfb but no sm4-gcm, so authenticity comes from
 * encrypt-then-MAC: tag = HMAC-SM3(macKey, keyId || iv || ciphertext). A tampered payload fails to
 * decode instead of decrypting to garbage.
 *
 * Wire form of an encoded payload (the Temporal encryption sample's layout):
 *   metadata.encoding        = "binary/encrypted-sm4"
 *   metadata.encryption-key-id = key id (first 8 hex chars of SM3(key)), for key rotation
 *   data                     = iv(16) || ciphertext || tag(32); plaintext = Payload proto bytes
 */
import crypto from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { currentKeys } from '../db/sensitive';
import { proto } from '../engine/proto';

export const ENCODING = 'binary/encrypted-sm4';
const PayloadProto = proto.temporal.api.common.v1.Payload;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

interface KeyEntry {
  id: string;
  enc: Buffer;
  mac: Buffer;
}

function entry(key: Buffer): KeyEntry {
  if (key.length !== 16) throw new Error('SM4 key must be 16 bytes');
  const id = crypto.createHash('sm3').update(key).digest('hex').slice(0, 8);
  const mac = crypto
    .createHash('sm3')
    .update(Buffer.concat([key, Buffer.from('temporal-payload-mac')]))
    .digest();
  return { id, enc: key, mac };
}

export interface Sm4CodecOptions {
  /** Key that encrypts; default db/sensitive.ts `currentKeys().sm4` (GOV_SM4_KEY), or GOV_PAYLOAD_KEY when set. */
  key?: Buffer;
  /** Older keys still accepted for decoding (key rotation). */
  previousKeys?: Buffer[];
}

function defaultKey(): Buffer {
  const hex = process.env.GOV_PAYLOAD_KEY;
  if (hex) {
    const b = Buffer.from(hex, 'hex');
    if (b.length !== 16) throw new Error('GOV_PAYLOAD_KEY must be 32 hex characters');
    return b;
  }
  return currentKeys().sm4;
}

/** How many recent encodings a codec remembers (see `recent`): about 1 MB for small payloads. */
const RECENT = 4096;

export class Sm4PayloadCodec implements PayloadCodec {
  private readonly active: KeyEntry;
  private readonly byId = new Map<string, KeyEntry>();
  /** Random bytes for IVs, drawn 256 IVs at a time: one call into OpenSSL's generator, not one per payload. */
  private ivPool = Buffer.alloc(0);
  private ivAt = 0;
  /**
   * Payloads this codec encoded lately, by their tag. Most payloads are decoded in the same process
   * soon after (an activity's input and result, a workflow's arguments): bytes identical to what it
   * encoded from a plaintext decode to that plaintext, without the MAC check and decryption again.
   */
  private readonly recent = new Map<string, { data: Buffer; plain: Payload }>();

  constructor(opts: Sm4CodecOptions = {}) {
    this.active = entry(opts.key ?? defaultKey());
    this.byId.set(this.active.id, this.active);
    for (const k of opts.previousKeys ?? []) {
      const e = entry(k);
      this.byId.set(e.id, e);
    }
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encodeOne(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decodeOne(p));
  }

  encodeOne(p: Payload): Payload {
    const plain = PayloadProto.encode(p).finish();
    const k = this.active;
    const iv = this.nextIv();
    const c = crypto.createCipheriv('sm4-cbc', k.enc, iv);
    const body = Buffer.concat([iv, c.update(plain), c.final()]);
    const tag = crypto.createHmac('sm3', k.mac).update(k.id).update(body).digest();
    const data = Buffer.concat([body, tag]);
    this.recent.set(tag.toString('latin1'), { data, plain: { metadata: p.metadata, data: p.data } });
    if (this.recent.size > RECENT) this.recent.delete(this.recent.keys().next().value as string);
    return {
      metadata: { encoding: utf8.encode(ENCODING), 'encryption-key-id': utf8.encode(k.id) },
      data,
    };
  }

  private nextIv(): Buffer {
    if (this.ivAt + 16 > this.ivPool.length) {
      this.ivPool = crypto.randomBytes(16 * 256);
      this.ivAt = 0;
    }
    this.ivAt += 16;
    return this.ivPool.subarray(this.ivAt - 16, this.ivAt);
  }

  decodeOne(p: Payload): Payload {
    const enc = p.metadata?.encoding;
    if (!enc || fromUtf8.decode(enc) !== ENCODING) return p; // written before encryption was on: pass through
    const idBytes = p.metadata?.['encryption-key-id'];
    const id = idBytes ? fromUtf8.decode(idBytes) : '';
    const k = this.byId.get(id);
    if (!k) throw new Error(`payload encrypted with unknown SM4 key ${id}`);
    const data = Buffer.from(p.data ?? new Uint8Array());
    if (data.length < 16 + 16 + 32) throw new Error('encrypted payload too short');
    const body = data.subarray(0, data.length - 32);
    const tag = data.subarray(data.length - 32);
    const mine = k === this.active ? this.recent.get(tag.toString('latin1')) : undefined;
    if (mine?.data.equals(data)) return { metadata: mine.plain.metadata, data: mine.plain.data };
    const want = crypto.createHmac('sm3', k.mac).update(k.id).update(body).digest();
    if (!crypto.timingSafeEqual(tag, want)) throw new Error('encrypted payload failed its integrity check');
    const d = crypto.createDecipheriv('sm4-cbc', k.enc, body.subarray(0, 16));
    const plain = Buffer.concat([d.update(body.subarray(16)), d.final()]);
    const decoded = PayloadProto.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}

/** The DataConverter both runtimes use: default payload converter + the SM4 codec. */
export function createDataConverter(opts: Sm4CodecOptions = {}): { payloadCodecs: PayloadCodec[] } {
  return { payloadCodecs: [new Sm4PayloadCodec(opts)] };
}
