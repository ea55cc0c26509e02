/**
 * The workflow randomness seed, computed exactly as Temporal's core does
 * (`str_to_randomness_seed`: SipHash-1-3 with a zero key over the run id, hashed the way Rust's
 * `Hash for str` feeds bytes + 0xff). With the same seed, `Math.random()` and `uuid4()` inside a
 * workflow return the same values on this engine and on the official replayer.
 */
const MASK = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & MASK;

export function randomnessSeed(runId: string): bigint {
  const bytes = [...Buffer.from(runId, 'utf8'), 0xff];
  let v0 = 0x736f6d6570736575n;
  let v1 = 0x646f72616e646f6dn;
  let v2 = 0x6c7967656e657261n;
  let v3 = 0x7465646279746573n;
  const round = () => {
    v0 = (v0 + v1) & MASK;
    v1 = rotl(v1, 13n);
    v1 ^= v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK;
    v3 = rotl(v3, 16n);
    v3 ^= v2;
    v0 = (v0 + v3) & MASK;
    v3 = rotl(v3, 21n);
    v3 ^= v0;
    v2 = (v2 + v1) & MASK;
    v1 = rotl(v1, 17n);
    v1 ^= v2;
    v2 = rotl(v2, 32n);
  };
  const len = bytes.length;
  const full = len - (len % 8);
  for (let i = 0; i < full; i += 8) {
    let m = 0n;
    for (let j = 7; j >= 0; j--) m = (m << 8n) | BigInt(bytes[i + j]);
    v3 ^= m;
    round();
    v0 ^= m;
  }
  let b = BigInt(len & 0xff) << 56n;
  for (let j = len - full - 1; j >= 0; j--) b |= BigInt(bytes[full + j]) << BigInt(8 * j);
  v3 ^= b;
  round();
  v0 ^= b;
  v2 ^= 0xffn;
  round();
  round();
  round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK;
}
