import type cliProgress from 'cli-progress';

/**
 * cli-progress (17 modules, about 40 ms of CPU at start-up) is loaded only for a terminal, in
 * the background: a bar is drawn after a second at the earliest, and --json or piped output
 * never draws one. An import, not a require, so the standalone build still bundles it.
 */
let barModule: typeof cliProgress | undefined;
function loadBarModule(): void {
  if (barModule) return;
  import('cli-progress').then(
    (loaded) => {
      barModule = loaded.default;
    },
    () => {},
  );
}

export interface Progress {
  add(amount: number): void;
  done(): void;
}

const silent: Progress = { add() {}, done() {} };

/**
 * Progress on stderr only for work that takes longer than a second: a bar on a TTY,
 * a plain line every few seconds otherwise (CloudShell output is often piped to a file).
 */
export function startProgress(options: {
  label: string;
  total: number;
  unit: 'bytes' | 'files';
  enabled: boolean;
  stream?: NodeJS.WriteStream;
  now?: () => number;
}): Progress {
  if (!options.enabled) return silent;
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY) loadBarModule();
  const now = options.now ?? Date.now;
  const started = now();
  let value = 0;
  let bar: cliProgress.SingleBar | undefined;
  let lastLine = started;
  const format = (n: number) =>
    options.unit === 'bytes' ? `${(n / 1048576).toFixed(1)} MiB` : `${n} files`;
  return {
    add(amount) {
      value += amount;
      const t = now();
      if (t - started < 1000) return;
      if (stream.isTTY) {
        // Not loaded yet (a second is not always enough on a busy machine): the next call draws.
        if (!barModule) return;
        if (!bar) {
          bar = new barModule.SingleBar(
            {
              stream,
              format: `${options.label} [{bar}] {percentage}% {value}/{total} ${options.unit === 'bytes' ? 'MiB' : 'files'} | {speed} | ETA {eta_formatted}`,
              hideCursor: true,
              barsize: 16,
              clearOnComplete: true,
              fps: 5,
            },
            barModule.Presets.shades_classic,
          );
          bar.start(scale(options.total), 0, { speed: '' });
        }
        const rate = value / ((t - started) / 1000);
        bar.update(scale(value), {
          speed:
            options.unit === 'bytes'
              ? `${(rate / 1048576).toFixed(1)} MiB/s`
              : `${rate.toFixed(0)}/s`,
        });
      } else if (t - lastLine >= 5000) {
        lastLine = t;
        const rate = value / ((t - started) / 1000);
        stream.write(
          `${options.label}: ${format(value)} of ${format(options.total)} (${options.unit === 'bytes' ? `${(rate / 1048576).toFixed(1)} MiB/s` : `${rate.toFixed(0)} files/s`})\n`,
        );
      }
    },
    done() {
      bar?.stop();
    },
  };
  function scale(n: number): number {
    return options.unit === 'bytes' ? Math.round((n / 1048576) * 10) / 10 : n;
  }
}
