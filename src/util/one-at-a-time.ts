/**
 * `task` run one call at a time, in call order: each call starts when the one before it has
 * settled (failed or not), and its promise is that call's own. For writes of a whole document
 * that many callbacks ask for at once (the upload state after each part): started together,
 * the writes could finish out of order and leave an older document last.
 */
export function oneAtATime(task: () => Promise<void>): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return () => {
    const next = last.then(task, task);
    last = next.catch(() => {});
    return next;
  };
}
