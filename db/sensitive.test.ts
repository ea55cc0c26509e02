import { describe, expect, it } from 'vitest';
import { blindIndex, decrypt, encrypt, idNumberCheckDigit, isValidIdNumber, maskIdNumber, maskPhone } from './sensitive';

describe('sensitive fields', () => {
  it('N-5 SM4 round-trips and never stores the plain text', () => {
    const enc = encrypt('650202199001011237');
    expect(enc.toString('latin1')).not.toContain('650202199001011237');
    expect(decrypt(enc)).toBe('650202199001011237');
    expect(encrypt('650202199001011237').equals(enc)).toBe(false); // random IV
  });
  it('N-5 blind index matches equal values only', () => {
    expect(blindIndex('13912345678')).toBe(blindIndex(' 13912345678 '));
    expect(blindIndex('13912345678')).not.toBe(blindIndex('13912345679'));
  });
  it('N-5 masks ID numbers and phones', () => {
    expect(maskIdNumber('650202199001011237')).toBe('650202********1237');
    expect(maskPhone('13912345678')).toBe('139****5678');
  });
  it('G-3 GB 11643 check digit', () => {
    expect(idNumberCheckDigit('11010519491231002')).toBe('X');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('110105194912310021')).toBe(false);
  });
});
