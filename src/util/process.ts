/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `cleanup` (synchronously) if the process is interrupted with Ctrl-C or SIGTERM before
 * `dispose` is called, then exits 130 like a shell would. kill -9 cannot be caught: the next
 * run sweeps what is left (see openRunDir).
 */
export function onInterrupt(cleanup: () => void): () => void {
  const handler = () => {
    try {
      cleanup();
    } finally {
      process.exit(130);
    }
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/**
 * Ctrl-C aborts the returned signal instead of ending the process, so the caller can undo
 * (abort a multipart upload, remove its state file) and exit 130 itself. The listener stays
 * until `dispose` (`on`, not `once`): signal-exit, which write-file-atomic loads while it
 * writes a file, re-raises a signal when it sees no listener but its own, and a `once`
 * listener has removed itself by the time signal-exit looks, so an upload saving its state
 * at that moment died of the signal with its parts left in S3.
 */
export function abortOnInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = () => controller.abort(new Error('interrupted'));
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}
