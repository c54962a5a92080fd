import { shellQuote } from '../util/shell-quote.js';

/**
 * Shell code quoted by construction. `sh\`aws s3 cp ${url} ${dest}\`` single-quotes every
 * interpolated value, so a value from a spec or a repo (a region, an endpoint, a name, a
 * path) is always one inert word in bash, zsh and POSIX sh, whatever it holds. The only
 * ways to put text in as code are another `sh` fragment and `raw()`, which are greppable.
 *
 * A value interpolated inside quotes of the template itself (`"${x}"`) would be quoted
 * twice and change meaning, so that is refused when the script is generated, not on the
 * bastion; so is an interpolation inside a heredoc or a comment.
 */
export class ShellCode {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type ShellValue = string | number | ShellCode | readonly (string | number | ShellCode)[];

/** Text that is code by intent: a fixed fragment or something already built with `sh`. */
export function raw(text: string): ShellCode {
  return new ShellCode(text);
}

function render(value: ShellValue): string {
  if (value instanceof ShellCode) return value.text;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`sh: not an integer: ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return shellQuote(value);
  return value.map(render).join(' ');
}

type LexState = 'code' | 'single' | 'double' | 'comment' | 'heredoc';

/**
 * Follows quoting through the template's fixed text far enough to tell where each
 * interpolation lands. Command substitutions inside double quotes are tracked on a stack.
 */
class QuoteTracker {
  private stack: LexState[] = ['code'];
  private heredocEnd: string | undefined;
  private lineStart = true;
  private pendingHeredoc: string | undefined;

  get state(): LexState {
    return this.stack[this.stack.length - 1] ?? 'code';
  }

  feed(text: string): void {
    let i = 0;
    while (i < text.length) {
      const c = text[i] as string;
      const state = this.state;
      if (state === 'heredoc') {
        const end = text.indexOf('\n', i);
        const line = text.slice(i, end === -1 ? text.length : end);
        if (this.lineStart && line.replace(/^\t+/, '') === this.heredocEnd && end !== -1) {
          this.stack.pop();
          this.heredocEnd = undefined;
        }
        if (end === -1) {
          this.lineStart = false;
          return;
        }
        i = end + 1;
        this.lineStart = true;
        continue;
      }
      if (state === 'comment') {
        if (c === '\n') this.stack.pop();
        else {
          i++;
          continue;
        }
      }
      if (state === 'single') {
        if (c === "'") this.stack.pop();
        i++;
        this.lineStart = false;
        continue;
      }
      if (c === '\\') {
        i += 2;
        this.lineStart = false;
        continue;
      }
      if (state === 'double') {
        if (c === '"') this.stack.pop();
        else if (c === '$' && text[i + 1] === '(') {
          this.stack.push('code');
          i++;
        }
        i++;
        continue;
      }
      // code
      if (c === "'") this.stack.push('single');
      else if (c === '"') this.stack.push('double');
      else if (c === ')' && this.stack.length > 1 && this.stack[this.stack.length - 2] === 'double')
        this.stack.pop();
      else if (c === '#' && (i === 0 ? this.lineStart : /\s/.test(text[i - 1] ?? ''))) {
        this.stack.push('comment');
      } else if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
        const match = /^<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(text.slice(i));
        if (match) {
          this.pendingHeredoc = match[2];
          i += match[0].length;
          continue;
        }
      } else if (c === '\n') {
        if (this.pendingHeredoc) {
          this.heredocEnd = this.pendingHeredoc;
          this.pendingHeredoc = undefined;
          this.stack.push('heredoc');
        }
        this.lineStart = true;
        i++;
        continue;
      }
      this.lineStart = false;
      i++;
    }
  }
}

export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): ShellCode {
  const tracker = new QuoteTracker();
  let out = '';
  strings.forEach((part, index) => {
    out += part;
    tracker.feed(part);
    if (index >= values.length) return;
    const value = values[index] as ShellValue;
    const text = render(value);
    if (tracker.state !== 'code' && !(value instanceof ShellCode)) {
      throw new Error(
        `sh: interpolation ${index + 1} lands inside ${tracker.state === 'comment' ? 'a comment' : `${tracker.state} quotes`}: move it out of the quotes (it is quoted already) after: ${JSON.stringify(part.slice(-40))}`,
      );
    }
    out += text;
    if (value instanceof ShellCode) tracker.feed(text);
  });
  return new ShellCode(out);
}

/** Joins fragments with a separator (newline by default) into one fragment. */
export function joinSh(parts: readonly ShellCode[], separator = '\n'): ShellCode {
  return new ShellCode(parts.map((p) => p.text).join(separator));
}

/**
 * Data that must reach the far side byte for byte (an allowed_signers file, a signature)
 * travels base64-encoded: no line of it can end a heredoc or run as code. The result is a
 * command that writes the data to stdout; `base64 -d` is in coreutils and BusyBox alike.
 */
export function dataLiteral(data: string | Buffer): ShellCode {
  const encoded = Buffer.from(data).toString('base64');
  const lines = encoded.match(/.{1,76}/g) ?? [''];
  return new ShellCode(`printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' \\\n  ')} | base64 -d`);
}
