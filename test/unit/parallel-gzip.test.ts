import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ParallelGzip, type ParallelGzipOptions } from '../../src/bundle/parallel-gzip.js';

/** Compresses `input` written in the given pieces; returns the members in write order. */
async function compress(
  pieces: Buffer[],
  options: ParallelGzipOptions,
  delay?: (member: number) => number,
): Promise<Buffer[]> {
  const members: Buffer[] = [];
  const gzip = new ParallelGzip(async (member) => {
    if (delay) await new Promise((r) => setTimeout(r, delay(members.length)));
    members.push(Buffer.concat(member));
  }, options);
  for (const piece of pieces) await gzip.write(piece);
  await gzip.end();
  return members;
}

const text = Buffer.from(
  Array.from({ length: 20000 }, (_, i) => `  key-${i}: "value ${i % 97}"\n`).join(''),
);
const input = Buffer.concat([text, randomBytes(300_000), text]);
const pieces = [input.subarray(0, 7), input.subarray(7, 250_000), input.subarray(250_000)];

describe('ParallelGzip', () => {
  it('writes one gzip stream that gunzip reads back whole, one member per block', async () => {
    const members = await compress(pieces, { memberSize: 100_000, concurrency: 3 });
    expect(members).toHaveLength(Math.ceil(input.length / 100_000));
    expect(gunzipSync(Buffer.concat(members)).equals(input)).toBe(true);
    // Each member is a complete gzip stream of its own block.
    expect(gunzipSync(members[1]!).equals(input.subarray(100_000, 200_000))).toBe(true);
  });

  it('gives the same bytes whatever the concurrency, the write sizes and the timing', async () => {
    const a = Buffer.concat(await compress(pieces, { memberSize: 65536, concurrency: 1 }));
    const b = Buffer.concat(
      await compress([input], { memberSize: 65536, concurrency: 4 }, (n) => (n % 3) * 5),
    );
    expect(b.equals(a)).toBe(true);
  });

  it('stores incompressible blocks instead of searching them, and still compresses text', async () => {
    const random = randomBytes(400_000);
    const members = await compress([text.subarray(0, 200_000), random], { memberSize: 200_000 });
    expect(members).toHaveLength(3);
    // zlib writes the level into the gzip header's XFL byte: 4 for the fastest (0 and 1), 0 for 6.
    expect(members.map((m) => m[8])).toEqual([0, 4, 4]);
    expect(members[1]!.length).toBeLessThan(200_100);
    expect(members[0]!.length).toBeLessThan(50_000);
    expect(
      gunzipSync(Buffer.concat(members)).equals(Buffer.concat([text.subarray(0, 200_000), random])),
    ).toBe(true);
  });

  it('hands each member on in the pieces zlib wrote, the bytes zlib.gzip gives the block', async () => {
    const seen: Buffer[][] = [];
    const gzip = new ParallelGzip((member) => void seen.push([...member]), {
      memberSize: 300_000,
      concurrency: 2,
    });
    await gzip.write(input);
    await gzip.end();
    // The random middle shrinks by little: its member comes in more than one piece, not joined.
    expect(seen.some((member) => member.length > 1)).toBe(true);
    seen.forEach((member, i) => {
      const block = input.subarray(i * 300_000, (i + 1) * 300_000);
      expect(Buffer.concat(member).equals(gzipSync(block, { level: 6 }))).toBe(true);
    });
  });

  it('holds a small input in a small block, and grows it to the member size as data comes', async () => {
    const members: Buffer[] = [];
    const gzip = new ParallelGzip((member) => void members.push(Buffer.concat(member)));
    // A small archive: 20 KiB through each way in, never a 4 MiB block.
    await gzip.write(text.subarray(0, 10_000));
    await gzip.putText('apiVersion: v1\n'.repeat(300));
    await gzip.zeros(5_000);
    expect(gzip.capacity).toBeLessThanOrEqual(64 * 1024);
    // 5 MiB more in odd pieces: the block grows, members are still cut at 4 MiB.
    const more = Buffer.concat(Array.from({ length: 9 }, () => text)).subarray(0, 5 * 1024 * 1024);
    for (let at = 0; at < more.length; at += 777_777)
      await gzip.write(more.subarray(at, at + 777_777));
    expect(gzip.capacity).toBeLessThanOrEqual(4 * 1024 * 1024);
    await gzip.end();
    const whole = Buffer.concat([
      text.subarray(0, 10_000),
      Buffer.from('apiVersion: v1\n'.repeat(300)),
      Buffer.alloc(5_000),
      more,
    ]);
    expect(members).toHaveLength(2);
    members.forEach((member, i) => {
      const block = whole.subarray(i * 4 * 1024 * 1024, (i + 1) * 4 * 1024 * 1024);
      expect(member.equals(gzipSync(block, { level: 6 }))).toBe(true);
    });
  });

  it('writes a valid empty stream for no input', async () => {
    const members = await compress([], {});
    expect(members).toHaveLength(1);
    expect(gunzipSync(members[0]!).length).toBe(0);
  });

  it('reports a failing sink instead of losing it', async () => {
    const gzip = new ParallelGzip(
      () => {
        throw new Error('disk full');
      },
      { memberSize: 1000, concurrency: 1 },
    );
    await expect(gzip.write(Buffer.alloc(5000))).rejects.toThrow('disk full');
  });
});
