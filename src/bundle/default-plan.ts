import { posix } from 'node:path';
import { notDryRunNote } from '../model/plan-notes.js';
import type { BundleFile } from '../model/record.js';
import { SPEC_TEXT_LIMITS } from '../model/spec-rules.js';
import type { UnsetNamespace } from '../model/unset-namespaces.js';
import { grouped } from '../util/format.js';
import { shellQuote } from '../util/shell-quote.js';
import { ANNOTATION_LIMIT, type ManifestObject } from './manifest-objects.js';
import { clusterKinds, createNamespaceStep, namespaceWarnings } from './namespaces.js';
import { type PlanItem, planItems } from './plan-items.js';

export { kindRank } from './plan-items.js';

export interface PlannedStep {
  name: string;
  run: string;
  continueOnError?: boolean | undefined;
  /** `preview` for a `kubectl diff`, whose exit 1 means "there are differences". */
  kind?: 'step' | 'preview';
  /** The paste block it belongs to: consecutive steps with the same title share one. */
  block?: string;
  /** Why it runs as it does (server-side apply), for PASTE.md. */
  why?: string;
  /** What it waits for (`crd/<name>`), for a wait step. */
  waitsFor?: string[];
}

export interface DefaultPlan {
  steps: PlannedStep[];
  /** What the plan leaves out or cannot check, and why (PASTE.md shows them). */
  notes: string[];
  /** Files whose objects go where their bindings do not expect them (namespaceWarnings). */
  unsetNamespaces?: UnsetNamespace[];
}

/** Server-side apply records airgap as the manager of the fields it sets. */
export const FIELD_MANAGER = 'airgap';
const SERVER_SIDE = `--server-side --field-manager=${FIELD_MANAGER}`;
/** Generated commands stay under the length that draws a warning for a written one. */
const COMMAND_LIMIT = SPEC_TEXT_LIMITS.command.soft;
const WAIT = 'kubectl wait --for=condition=Established --timeout=120s';
const KUBECTL_EXTENSIONS = /\.(ya?ml|json)$/i;

function serverSideReason(objects: readonly ManifestObject[]): string | undefined {
  const big = objects.find((o) => o.oversized);
  if (big)
    return `${big.kind} ${big.name} is over the ${grouped(ANNOTATION_LIMIT)} bytes that client-side apply can keep in its last-applied annotation`;
  if (objects.some((o) => o.kind === 'CustomResourceDefinition'))
    return `CustomResourceDefinitions go server-side: client-side apply copies each into an annotation limited to ${grouped(ANNOTATION_LIMIT)} bytes`;
  return undefined;
}

/** What one command names, as it names it: the `-f`/`-k` arguments and a short label. */
interface Target {
  arg: string;
  label: string;
  items: PlanItem[];
}

/**
 * Builds the commands of one group of items: server-side ones apart from client-side ones,
 * a folder as `-f <dir>` when kubectl would read exactly what the plan wants from it (every
 * manifest file shipped in it is in the group or already applied the same way), and split so
 * that no command is longer than the limit.
 */
class Commands {
  /** What kubectl reads from `-f <dir>`, per folder; undefined when not all plain manifests. */
  private readonly folders = new Map<string, PlanItem[] | undefined>();

  constructor(
    shipped: readonly string[],
    items: ReadonlyMap<string, PlanItem>,
    private readonly applied: ReadonlySet<PlanItem>,
    /** `-n <namespace>`, given to the items whose namespaced objects have none. */
    private readonly namespaceFlag = '',
  ) {
    for (const path of shipped) {
      if (!KUBECTL_EXTENSIONS.test(path)) continue;
      const dir = posix.dirname(path);
      const item = items.get(path);
      const folder = this.folders.has(dir) ? this.folders.get(dir) : [];
      // One file kubectl cannot apply as it is (a kustomization, a values file) spoils it, and
      // so does one that `-n` would not be given to beside one it would.
      const mixed = folder?.length && Boolean(folder[0]!.namespaced) !== Boolean(item?.namespaced);
      if (!folder || !item || item.kustomize || mixed) this.folders.set(dir, undefined);
      else this.folders.set(dir, folder).get(dir)?.push(item);
    }
    // The bundle root holds bundle.json and SHA256SUMS besides the manifests.
    this.folders.set('.', undefined);
  }

  private folder(dir: string): PlanItem[] | undefined {
    return this.folders.get(dir);
  }

  targets(group: readonly PlanItem[], serverSide: boolean): Target[] {
    const members = new Set(group);
    const done = new Set<PlanItem>();
    const targets: Target[] = [];
    const whole = new Map<string, boolean>();
    for (const item of group) {
      if (done.has(item)) continue;
      if (item.kustomize) {
        targets.push({ arg: `-k ${shellQuote(item.path)}`, label: item.path, items: [item] });
        done.add(item);
        continue;
      }
      const dir = posix.dirname(item.path);
      const folder = this.folder(dir);
      // Applied again, an earlier item must go the same way (a CRD never client-side).
      const fits = (i: PlanItem) =>
        members.has(i) || (this.applied.has(i) && (serverSide || !i.serverSide));
      // A folder of one file is named as the file: the runbook then says which.
      if (!whole.has(dir))
        whole.set(dir, Boolean(folder && folder.length > 1 && folder.every(fits)));
      if (folder && whole.get(dir)) {
        const mine = folder.filter((i) => members.has(i));
        targets.push({
          arg: `-f ${shellQuote(dir)}`,
          label: `${dir}/ (${folder.length} files)`,
          items: mine,
        });
        for (const i of mine) done.add(i);
      } else {
        targets.push({ arg: `-f ${shellQuote(item.path)}`, label: item.path, items: [item] });
        done.add(item);
      }
    }
    return targets;
  }

  /**
   * Why each item goes server-side: its own reason, or its folder's when the folder can be
   * named whole (a Namespace beside CRDs in a setup folder goes with them; harmless for it).
   */
  private modes(group: readonly PlanItem[]): Map<PlanItem, string | undefined> {
    const members = new Set(group);
    const modes = new Map(group.map((i) => [i, i.serverSide]));
    for (const dir of new Set(
      group.filter((i) => !i.kustomize).map((i) => posix.dirname(i.path)),
    )) {
      const folder = this.folder(dir);
      if (!folder?.every((i) => members.has(i) || this.applied.has(i))) continue;
      const reason = folder.find((i) => i.serverSide)?.serverSide;
      if (reason) for (const i of folder) if (members.has(i)) modes.set(i, modes.get(i) ?? reason);
    }
    return modes;
  }

  /** One command per mode and per length limit: `prefix -f a -f b …`. */
  build(
    group: readonly PlanItem[],
    prefix: (serverSide: boolean) => string,
  ): Array<{ run: string; what: string; why?: string }> {
    const result: Array<{ run: string; what: string; why?: string }> = [];
    const modes = this.modes(group);
    for (const [serverSide, namespaced] of [
      [true, false],
      [true, true],
      [false, false],
      [false, true],
    ] as const) {
      const part = group.filter(
        (i) => Boolean(modes.get(i)) === serverSide && Boolean(i.namespaced) === namespaced,
      );
      if (!part.length) continue;
      const start = `${prefix(serverSide)}${namespaced ? this.namespaceFlag : ''}`;
      const why = serverSide ? [...new Set(part.map((i) => modes.get(i)))].join('; ') : undefined;
      let chunk: Target[] = [];
      const flush = () => {
        if (!chunk.length) return;
        const files = chunk.reduce((n, t) => n + t.items.length, 0);
        const what = chunk.length === 1 ? chunk[0]!.label : `${files} files`;
        const run = `${start} ${chunk.map((t) => t.arg).join(' ')}`;
        result.push({ run, what, ...(why ? { why } : {}) });
        chunk = [];
      };
      for (const target of this.targets(part, serverSide)) {
        const length = `${start} ${[...chunk, target].map((t) => t.arg).join(' ')}`.length;
        if (chunk.length && length > COMMAND_LIMIT) flush();
        chunk.push(target);
      }
      flush();
    }
    return result;
  }
}

/** `kubectl wait` for CRDs to be served, split to the command limit. */
function waitSteps(crds: readonly string[], block: string): PlannedStep[] {
  const steps: PlannedStep[] = [];
  let names: string[] = [];
  const flush = () => {
    if (!names.length) return;
    steps.push({
      name: `Wait for ${names.length} CRD(s) to be Established`,
      run: `${WAIT} ${names.map((n) => shellQuote(`crd/${n}`)).join(' ')}`,
      block,
      waitsFor: names.map((n) => `crd/${n}`),
    });
    names = [];
  };
  for (const name of crds) {
    if (
      names.length &&
      `${WAIT} ${[...names, name].map((n) => `crd/${n}`).join(' ')}`.length > COMMAND_LIMIT
    )
      flush();
    names.push(name);
  }
  flush();
  return steps;
}

/**
 * Without `steps:`. Each round dry-runs, previews and applies the items that create
 * Namespaces and CRDs and need nothing not yet created, then waits until those CRDs are
 * Established. Then the rest is dry-run, previewed and applied. No dry run ever depends on something not yet created: a server dry
 * run persists nothing, and kubectl maps every object of a call before applying any.
 */
export function defaultPlan(
  globs: readonly string[],
  files: readonly BundleFile[],
  manifests: ReadonlyMap<string, readonly ManifestObject[]>,
  namespace?: string,
): DefaultPlan {
  const { items, notes } = planItems(globs, files, manifests, serverSideReason, namespace);
  const byPath = new Map(items.filter((i) => !i.kustomize).map((i) => [i.path, i]));
  const applied = new Set<PlanItem>();
  const commands = new Commands(
    files.map((f) => f.path),
    byPath,
    applied,
    namespace ? ` -n ${shellQuote(namespace)}` : '',
  );
  const created = new Set<string>();
  const checked = new Set<PlanItem>();
  const steps: PlannedStep[] = [];
  const ready = (i: PlanItem) => i.needs.every((n) => created.has(n) || i.provides.includes(n));

  const check = (group: PlanItem[]) => {
    const selfMade = group.filter((i) => i.needs.some((n) => i.provides.includes(n)));
    for (const i of selfMade)
      notes.push(
        notDryRunNote(
          i.path,
          i.needs.filter((n) => i.provides.includes(n)),
        ),
      );
    const checkable = group.filter((i) => !selfMade.includes(i));
    for (const i of group) checked.add(i);
    if (!checkable.length) return;
    const dry = commands.build(
      checkable,
      (s) => `kubectl apply --dry-run=server${s ? ` ${SERVER_SIDE}` : ''}`,
    );
    // A CRD's diff is its whole schema (megabytes for an operator): dry-run only.
    const previewed = checkable.filter((i) => !i.objects.every((o) => o.defines));
    const diff = commands.build(previewed, (s) => `kubectl diff${s ? ` ${SERVER_SIDE}` : ''}`);
    const block = `Check ${dry.length === 1 ? dry[0]!.what : `${checkable.length} items`}`;
    for (const d of dry)
      steps.push({
        name: `Dry run ${d.what}`,
        run: d.run,
        block,
        ...(d.why ? { why: d.why } : {}),
      });
    for (const d of diff)
      steps.push({
        name: `Preview ${d.what}`,
        run: d.run,
        kind: 'preview',
        block,
        ...(d.why ? { why: d.why } : {}),
      });
  };
  const apply = (group: PlanItem[]) => {
    const runs = commands.build(group, (s) => `kubectl apply${s ? ` ${SERVER_SIDE}` : ''}`);
    const block = `Apply ${runs.length === 1 ? runs[0]!.what : `${group.length} items`}`;
    for (const r of runs)
      steps.push({ name: `Apply ${r.what}`, run: r.run, block, ...(r.why ? { why: r.why } : {}) });
    const crds = group.flatMap((i) => i.objects.filter((o) => o.defines).map((o) => o.name));
    steps.push(...waitSteps(crds, block));
    for (const i of group) {
      applied.add(i);
      for (const p of i.provides) created.add(p);
    }
  };

  // The spec's namespace, when no file of the bundle creates it, exists before the first
  // round's dry run; made so that it is no error when it exists already (a re-run, a rollback).
  if (namespace && !items.some((i) => i.provides.includes(`namespace ${namespace}`)))
    steps.push(createNamespaceStep(namespace));
  let pending = [...items];
  for (;;) {
    const providers = pending.filter((i) => ready(i) && i.provides.length > 0);
    if (!providers.length || providers.length === pending.length) break;
    check(providers);
    apply(providers);
    pending = pending.filter((i) => !providers.includes(i));
  }
  // What never became ready needs something no item creates in time: checked, and it fails.
  check(pending.filter((i) => !checked.has(i)));
  if (pending.length) apply(pending);
  const unset = namespaceWarnings(items, clusterKinds(manifests), namespace);
  return { steps, notes, ...(unset.length ? { unsetNamespaces: unset } : {}) };
}
