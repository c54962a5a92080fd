/**
 * The default plan's note for a file applied without a dry run: it creates a Namespace its own
 * objects live in, which a server dry run cannot see (it persists nothing). Written into the
 * record's planNotes by bundle/default-plan.ts; read back here for `airgap bundle`'s output and
 * the runbook, so that the one sentence PASTE.md shows is also where one decides to ship and
 * where a reviewer later asks whether it was previewed (n9's finding 5).
 */
export interface NotDryRun {
  path: string;
  /** What it creates for its own objects: `namespace cert-manager`. */
  creates: string;
}

const NOTE =
  /^(.+): not dry-run first: it creates (.+) for its own objects, which a server dry run cannot see$/;

export function notDryRunNote(path: string, creates: readonly string[]): string {
  return `${path}: not dry-run first: it creates ${creates.join(', ')} for its own objects, which a server dry run cannot see`;
}

/** The files a record's plan applies without a dry run, from its planNotes. */
export function notDryRun(planNotes: readonly string[] | undefined): NotDryRun[] {
  return (planNotes ?? []).flatMap((note) => {
    const match = NOTE.exec(note);
    return match ? [{ path: match[1]!, creates: match[2]! }] : [];
  });
}
