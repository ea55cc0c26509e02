import crypto from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it, vi } from 'vitest';
import { ENCODING, Sm4PayloadCodec } from './codec';

const person = { name: '张三', idNumber: '650203199001011234', phone: '13912345678' };

describe('SM4 payload codec', () => {
  it('I-4 encodes payloads so no plain ID number or phone remains, and decodes them back', async () => {
    const codec = new Sm4PayloadCodec({ key: crypto.randomBytes(16) });
    const p = defaultPayloadConverter.toPayload(person);
    const [enc] = await codec.encode([p]);
    expect(new TextDecoder().decode(enc.metadata?.encoding)).toBe(ENCODING);
    const raw = Buffer.from(enc.data ?? []).toString('latin1');
    expect(raw).not.toContain('650203199001011234');
    expect(raw).not.toContain('13912345678');
    expect(raw).not.toContain('json/plain');
    const [dec] = await codec.decode([enc]);
    expect(defaultPayloadConverter.fromPayload(dec)).toEqual(person);
  });

  it('I-4 uses a fresh IV: the same payload encrypts differently each time', async () => {
    const codec = new Sm4PayloadCodec({ key: crypto.randomBytes(16) });
    const p = defaultPayloadConverter.toPayload(person);
    const [a, b] = await codec.encode([p, p]);
    expect(Buffer.from(a.data ?? []).equals(Buffer.from(b.data ?? []))).toBe(false);
  });

  it('I-4 refuses a tampered payload and one from an unknown key; decodes with a rotated-out key', async () => {
    const oldKey = crypto.randomBytes(16);
    const old = new Sm4PayloadCodec({ key: oldKey });
    const [enc] = await old.encode([defaultPayloadConverter.toPayload(person)]);
    const bad = Buffer.from(enc.data ?? []);
    bad[20] ^= 1;
    await expect(old.decode([{ ...enc, data: bad }])).rejects.toThrow(/integrity/);
    await expect(new Sm4PayloadCodec({ key: crypto.randomBytes(16) }).decode([enc])).rejects.toThrow(/unknown SM4 key/);
    const rotated = new Sm4PayloadCodec({ key: crypto.randomBytes(16), previousKeys: [oldKey] });
    const [dec] = await rotated.decode([enc]);
    expect(defaultPayloadConverter.fromPayload(dec)).toEqual(person);
  });

  it('I-4 a payload it encoded lately decodes without decrypting again, but only from identical bytes', async () => {
    const codec = new Sm4PayloadCodec({ key: crypto.randomBytes(16) });
    const [enc] = await codec.encode([defaultPayloadConverter.toPayload(person)]);
    const decipher = vi.spyOn(crypto, 'createDecipheriv');
    try {
      const [dec] = await codec.decode([{ ...enc, data: Buffer.from(enc.data ?? []) }]);
      expect(defaultPayloadConverter.fromPayload(dec)).toEqual(person);
      expect(decipher).not.toHaveBeenCalled();
      // Same tag, other ciphertext: the remembered plaintext is not used, the MAC check refuses it.
      const bad = Buffer.from(enc.data ?? []);
      bad[20] ^= 1;
      await expect(codec.decode([{ ...enc, data: bad }])).rejects.toThrow(/integrity/);
    } finally {
      decipher.mockRestore();
    }
    // Another process (a fresh codec, same key) decrypts for real.
    const other = new Sm4PayloadCodec({ key: Buffer.from((codec as unknown as { active: { enc: Buffer } }).active.enc) });
    const [dec2] = await other.decode([enc]);
    expect(defaultPayloadConverter.fromPayload(dec2)).toEqual(person);
  });

  it('passes through payloads that were never encrypted', async () => {
    const codec = new Sm4PayloadCodec();
    const p = defaultPayloadConverter.toPayload({ a: 1 });
    const [dec] = await codec.decode([p]);
    expect(defaultPayloadConverter.fromPayload(dec)).toEqual({ a: 1 });
  });
});
