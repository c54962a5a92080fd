// The subpaths, not 'tar': its index loads the whole extractor, a tenth of a second at start-up.
import { Header } from 'tar/header';
import { Pax } from 'tar/pax';
import { BLOCK, encodeUstar, type UstarFields, ustarTemplate } from './ustar-header.js';

/**
 * Where the tar stream goes. `put` gives a promise only when the caller must wait (the
 * backpressure), and the chunk may be reused once that has settled: most writes of a
 * 50,000-file bundle cost no promise at all.
 */
export interface TarSink {
  put(chunk: Buffer): Promise<void> | undefined;
  /** A string's UTF-8 bytes. */
  putText(text: string): Promise<void>;
  zeros(length: number): Promise<void> | undefined;
  end(): Promise<void>;
}

/**
 * Writes a tar stream entry by entry, straight into the compressor: headers encoded directly
 * (ustar-header.ts) or by node-tar for names that need pax, no per-entry stream machinery and
 * no buffer per header, so 50,000 small files cost what their bytes cost.
 */
export class TarWriter {
  private readonly template: Buffer;
  private readonly block = Buffer.alloc(BLOCK);
  private expected = 0;
  private written = 0;
  private path = '';

  constructor(
    private readonly out: TarSink,
    private readonly mtime: Date,
  ) {
    this.template = ustarTemplate(mtime);
  }

  private header(fields: UstarFields): Promise<void> | undefined {
    if (encodeUstar(this.block, this.template, fields)) return this.out.put(this.block);
    return this.paxHeader(fields);
  }

  private async paxHeader(fields: UstarFields): Promise<void> {
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
      await this.out.put(pax.encode());
    }
    await this.out.put(block);
  }

  /** Starts a file of `size` bytes: its content follows through data(), then endFile(). */
  startFile(path: string, mode: number, size: number): Promise<void> | undefined {
    this.path = path;
    this.expected = size;
    this.written = 0;
    return this.header({ path, mode, size, type: 'File' });
  }

  data(chunk: Buffer): Promise<void> | undefined {
    this.written += chunk.length;
    return this.out.put(chunk);
  }

  endFile(): Promise<void> | undefined {
    const size = this.expected;
    if (this.written !== size)
      throw new Error(`${this.path}: expected ${size} bytes from git, got ${this.written}`);
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    return padding ? this.out.zeros(padding) : undefined;
  }

  /** A whole file already in memory (the generated trailer files); a string as UTF-8. */
  async file(path: string, mode: number, content: Buffer | string): Promise<void> {
    if (typeof content === 'string') {
      const size = Buffer.byteLength(content);
      await this.startFile(path, mode, size);
      this.written += size;
      await this.out.putText(content);
    } else {
      await this.startFile(path, mode, content.length);
      await this.data(content);
    }
    await this.endFile();
  }

  async symlink(path: string, target: string): Promise<void> {
    await this.header({ path, mode: 0o777, size: 0, type: 'SymbolicLink', linkpath: target });
  }

  async end(): Promise<void> {
    await this.out.zeros(BLOCK * 2);
    await this.out.end();
  }
}
