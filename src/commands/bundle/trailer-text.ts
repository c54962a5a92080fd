import { sha256SumsLine } from '../../bundle/plan.js';
import type { BundleFile } from '../../model/record.js';
import {
  propertyFromItems,
  type RenderedProperty,
  renderPropertyItem,
} from '../../util/stable-json.js';

/**
 * What the archive's trailer says of each file (its entry in bundle.json's files, its line of
 * SHA256SUMS), rendered as the file is hashed, while its successors are packed, rather than
 * all after the last one: on a warm 50,000-file bundle the main thread idles through much of
 * the packing, and everything after the last file waits for it (~50 ms of rendering).
 */
export class TrailerText {
  private readonly entries: Array<string | undefined>;
  private readonly sums: string[];
  /** Each file's sha256 and link target when rendered: a file changed since is rendered again. */
  private readonly hashed: string[];
  private readonly links: Array<string | undefined>;
  private next = 0;

  constructor(private readonly files: readonly BundleFile[]) {
    this.entries = new Array(files.length);
    this.sums = new Array(files.length);
    this.hashed = new Array(files.length);
    this.links = new Array(files.length);
  }

  /**
   * Renders the files before `index` that have their sha256 (FileScanner sets it when the
   * file is done; an empty file's comes only at its finish(), and is rendered then).
   */
  upTo(index: number): void {
    for (; this.next < index; this.next++) {
      if (this.files[this.next]?.sha256) this.render(this.next);
    }
  }

  /** Both texts for the files as they are now; what was rendered early and still holds is used. */
  finish(): { files: RenderedProperty; sums: string } {
    const { files } = this;
    for (let i = 0; i < files.length; i++) {
      const file = files[i] as BundleFile;
      if (this.hashed[i] !== file.sha256 || this.links[i] !== file.linkTarget) this.render(i);
    }
    return {
      files: propertyFromItems('files', files, this.entries as string[]),
      sums: this.sums.join(''),
    };
  }

  private render(index: number): void {
    const file = this.files[index] as BundleFile;
    this.entries[index] = plainEntry(file) ?? renderPropertyItem(file, index);
    this.sums[index] = sha256SumsLine(file);
    this.hashed[index] = file.sha256;
    this.links[index] = file.linkTarget;
  }
}

/**
 * The entry of a file as FileScanner makes it (mode, path, sha256, size, in that order, and
 * nothing else), written as renderPropertyItem writes it, without its generic walk: half the
 * CPU for 50,000 files. Anything else (a symlink's linkTarget) is left to renderPropertyItem.
 */
function plainEntry(file: BundleFile): string | undefined {
  const keys = Object.keys(file);
  if (
    keys.length !== 4 ||
    keys[0] !== 'mode' ||
    keys[1] !== 'path' ||
    keys[2] !== 'sha256' ||
    keys[3] !== 'size' ||
    typeof file.mode !== 'string' ||
    typeof file.path !== 'string' ||
    typeof file.sha256 !== 'string' ||
    !Number.isFinite(file.size) ||
    typeof (file as { toJSON?: unknown }).toJSON === 'function'
  )
    return undefined;
  // JSON writes a finite number as its ToString, as a template does.
  return `{\n      "mode": ${JSON.stringify(file.mode)},\n      "path": ${JSON.stringify(file.path)},\n      "sha256": ${JSON.stringify(file.sha256)},\n      "size": ${file.size}\n    }`;
}
