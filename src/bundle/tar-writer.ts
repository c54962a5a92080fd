// The subpaths, not 'tar': its index loads the whole extractor, a tenth of a second at start-up.
import { Header } from 'tar/header';
import { Pax } from 'tar/pax';
import type { ByteSink } from './parallel-gzip.js';

const BLOCK = 512;
const ZEROS = Buffer.alloc(BLOCK * 2);

/**
 * Writes a tar stream entry by entry with node-tar's header encoding (pax headers for long or
 * non-ASCII names), straight into the compressor with backpressure: one file in flight, no
 * per-entry stream machinery, so 50,000 small files cost what their bytes cost.
 */
export class TarWriter {
  constructor(
    private readonly out: ByteSink,
    private readonly mtime: Date,
  ) {}

  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /**
   * Batches small writes: 50,000 small files make 150,000 of them, and an awaited write each
   * would cost more than their bytes.
   */
  private async write(chunk: Buffer): Promise<void> {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.pendingBytes) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await this.out.write(data);
  }

  private async header(fields: {
    path: string;
    mode: number;
    size: number;
    type: 'File' | 'SymbolicLink';
    linkpath?: string;
  }): Promise<void> {
    const common = { uid: 0, gid: 0, uname: '', gname: '', mtime: this.mtime };
    const header = new Header({ ...common, ...fields });
    const block = Buffer.alloc(BLOCK);
    header.encode(block);
    if (header.needPax) {
      const pax = new Pax({
        ...common,
        path: fields.path,
        ...(fields.linkpath ? { linkpath: fields.linkpath } : {}),
      });
      await this.write(pax.encode());
    }
    await this.write(block);
  }

  async file(
    path: string,
    mode: number,
    size: number,
    content: AsyncIterable<Buffer>,
  ): Promise<void> {
    await this.header({ path, mode, size, type: 'File' });
    let written = 0;
    for await (const chunk of content) {
      written += chunk.length;
      await this.write(chunk);
    }
    if (written !== size)
      throw new Error(`${path}: expected ${size} bytes from git, got ${written}`);
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (padding) await this.write(ZEROS.subarray(0, padding));
  }

  async symlink(path: string, target: string): Promise<void> {
    await this.header({ path, mode: 0o777, size: 0, type: 'SymbolicLink', linkpath: target });
  }

  async end(): Promise<void> {
    await this.write(ZEROS);
    await this.flush();
    await this.out.end();
  }
}
