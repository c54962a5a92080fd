import picomatch from 'picomatch';
import { AirgapError } from '../errors.js';
import { wrapText } from '../util/format.js';
import { regexFlags } from '../util/glob.js';
import type { ContentProblem } from './manifests.js';

export interface AllowedSecret {
  /** A repo path or a picomatch glob over repo paths (`k8s/monitoring/grafana-*.yaml`). */
  path: string;
  reason: string;
}

/** What the snippet puts in `reason:`: valid as it is, but plainly for a person to replace. */
export const SNIPPET_REASON = '<why this file is safe to ship>';

/** The first allowSecrets entry whose path or glob matches each path, or undefined. */
export function allowMatcher(
  allowSecrets: readonly AllowedSecret[],
): (path: string) => AllowedSecret | undefined {
  const matchers = allowSecrets.map((entry) => ({
    entry,
    matches: picomatch(entry.path, { dot: true, flags: regexFlags() }),
  }));
  return (path) => matchers.find((m) => m.matches(path))?.entry;
}

/**
 * The `allowSecrets:` lines to paste into the spec for these files: the whole key when the spec
 * has none yet, else the entries alone (a second `allowSecrets:` key would be a YAML error).
 * Block style, one field a line, so long paths still fit 80 columns.
 */
export function allowSecretsSnippet(paths: readonly string[], specHasKey: boolean): string[] {
  const indent = specHasKey ? '' : '  ';
  return [
    ...(specHasKey ? [] : ['allowSecrets:']),
    ...[...new Set(paths)].flatMap((path) => [
      `${indent}- path: ${JSON.stringify(path)}`,
      `${indent}  reason: "${SNIPPET_REASON}"`,
    ]),
  ];
}

/**
 * A Secret's own verdict names the key and the rule; the whole-file scan's finding on the same
 * line says less about the same value, so it is left out of the list.
 */
function withoutRepeats(problems: readonly ContentProblem[]): ContentProblem[] {
  const secretLines = new Set(
    problems
      .filter((p) => p.kind === 'secret' && p.message.startsWith('Secret '))
      .map((p) => `${p.path}:${p.line}`),
  );
  return problems.filter(
    (p) =>
      p.kind !== 'secret' ||
      p.message.startsWith('Secret ') ||
      !secretLines.has(`${p.path}:${p.line}`),
  );
}

/**
 * Throws one error listing every problem that blocks shipping, in every file at once; secrets
 * the spec allows (with a reason) and Secrets that hold no credential become warnings. A
 * refusal for secrets ends with the `allowSecrets:` snippet that would let those files through.
 */
export function assertShippable(
  problems: readonly ContentProblem[],
  allowSecrets: readonly AllowedSecret[],
  warnings: string[],
  specPath = 'the spec',
): void {
  const allowedBy = allowMatcher(allowSecrets);
  const blocking: ContentProblem[] = [];
  for (const p of withoutRepeats(problems)) {
    const allowed = p.kind === 'secret' ? allowedBy(p.path) : undefined;
    if (p.kind === 'warning') warnings.push(`${p.path}:${p.line}: ${p.message}`);
    else if (allowed) warnings.push(`${p.path}: ${p.message} (allowed: ${allowed.reason})`);
    else blocking.push(p);
  }
  if (!blocking.length) return;
  const secretPaths = blocking.filter((p) => p.kind === 'secret').map((p) => p.path);
  const files = new Set(blocking.map((p) => p.path)).size;
  const details = blocking.map((p) => `${p.path}:${p.line}: ${p.message}`);
  if (!secretPaths.length) {
    throw new AirgapError(
      `${blocking.length} problem(s) in the files to ship; nothing was written`,
      {
        details,
        hint: 'fix each file above and commit',
        code: 'invalidSpec',
      },
    );
  }
  const refused = new Set(secretPaths).size;
  const snippet = allowSecretsSnippet(secretPaths, allowSecrets.length > 0);
  throw new AirgapError(
    `${files} file(s) refused (${blocking.length} problem(s), ${refused} with secrets); nothing was written`,
    {
      details,
      hint: [
        // Lines that fit 80 columns after `hint: ` (74 characters).
        ...wrapText(
          '',
          '',
          `${secretPaths.length < blocking.length ? 'fix the other problems above and commit; for the secrets, ' : ''}remove the credentials (create those Secrets on the cluster); or, if a file is safe to ship, add ${allowSecrets.length ? 'these entries to allowSecrets in' : 'this to'} ${specPath} and write each reason (a path may be a glob):`,
          74,
        ),
        ...snippet.map((line) => `  ${line}`),
      ].join('\n'),
      code: 'unsafeContent',
    },
  );
}
