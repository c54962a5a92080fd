// The kubectl commands of the stand-in (apply, create, diff, wait, get, rollout, version) over the
// API-server model in kube-model.mjs. Called once per process by ./kubectl, or many times by
// the test helpers' model server (kube-server.mjs), so it reads nothing from `process` but
// the working directory.

import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import {
  admissionError,
  canonical,
  displayName,
  identity,
  KubeError,
  loadState,
  mapObjects,
  objectsOfText,
  persist,
  readFilenameArg,
  readKustomization,
  resolveResourceType,
  saveState,
} from './kube-model.mjs';

/**
 * One kubectl call: `argv` without the program name, `env` where KUBECTL_STATE_DIR,
 * KUBECTL_FAIL_ON, KUBECTL_FAIL_ONCE_ON, PATH and TMPDIR are read, `write` where stdout and
 * stderr text go in the order kubectl writes it, `readStdin` what `-f -` reads (all of stdin).
 * Returns the exit code. Relative paths are read from the process's working directory. An
 * error that is not kubectl's is thrown.
 */
export function kubectl(argv, env, write, readStdin = () => '') {
  const stateDir = env.KUBECTL_STATE_DIR;
  if (!stateDir) {
    write.err('KUBECTL_STATE_DIR must be set\n');
    return 1;
  }
  mkdirSync(stateDir, { recursive: true });
  appendFileSync(join(stateDir, 'calls.log'), `${argv.join(' ')}\n`);
  const failOn = env.KUBECTL_FAIL_ON;
  if (failOn && argv.join(' ').includes(failOn)) {
    write.err(
      `Error from server (Forbidden): error when creating "${failOn}": admission webhook "validation.strimzi.io" denied the request: spec.replicas: Invalid value: 3: must be <= 1 on this cluster\n`,
    );
    return 1;
  }
  const failOnce = env.KUBECTL_FAIL_ONCE_ON;
  if (failOnce && argv.join(' ').includes(failOnce) && !existsSync(join(stateDir, 'failed-once'))) {
    writeFileSync(join(stateDir, 'failed-once'), '');
    write.err(
      `Error from server (InternalError): error when creating "${failOnce}": Internal error occurred: failed calling webhook "validation.strimzi.io": context deadline exceeded\n`,
    );
    return 1;
  }
  const state = loadState(stateDir);
  const out = (line) => write.out(`${line}\n`);
  const err = (line) => write.err(`${line}\n`);

  /** The flags apply, diff and wait take; an unknown flag is an error, as in kubectl. */
  function parseFlags(args) {
    const flags = { files: [], kustomize: [], names: [], namespace: undefined };
    const valued = {
      '-f': 'files',
      '--filename': 'files',
      '-k': 'kustomize',
      '--kustomize': 'kustomize',
      '-n': 'namespace',
      '--namespace': 'namespace',
      '--field-manager': 'fieldManager',
      '--dry-run': 'dryRun',
      '--for': 'for',
      '--timeout': 'timeout',
      '-o': 'output',
    };
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      const [flag, inline] =
        arg.startsWith('--') && arg.includes('=')
          ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
          : [arg, undefined];
      if (flag in valued) {
        const value = inline ?? args[++i];
        const key = valued[flag];
        if (Array.isArray(flags[key])) flags[key].push(value);
        else flags[key] = value;
      } else if (flag === '--server-side') flags.serverSide = true;
      else if (flag === '--force-conflicts') flags.forceConflicts = true;
      else if (flag.startsWith('-')) throw new KubeError(`error: unknown flag: ${flag}`);
      else flags.names.push(arg);
    }
    if (flags.dryRun && !['server', 'client', 'none'].includes(flags.dryRun)) {
      throw new KubeError(
        `error: Invalid dry-run value (${flags.dryRun}). Must be "none", "server", or "client".`,
      );
    }
    return flags;
  }

  function gather(flags) {
    const sources = [
      ...flags.files.flatMap((f) =>
        f === '-' ? objectsOfText(readStdin(), 'STDIN') : readFilenameArg(f),
      ),
      ...flags.kustomize.flatMap((d) => readKustomization(d, state)),
    ];
    return mapObjects(state, sources, flags.namespace ?? 'default', flags.namespace);
  }

  function apply(args) {
    const flags = parseFlags(args);
    if (!flags.files.length && !flags.kustomize.length)
      throw new KubeError('error: must specify one of -f and -k');
    const dry =
      flags.dryRun === 'server'
        ? ' (server dry run)'
        : flags.dryRun === 'client'
          ? ' (dry run)'
          : '';
    const { mapped, errors } = gather(flags);
    if (!mapped.length && !errors.length) throw new KubeError('error: no objects passed to apply');
    const manager = flags.serverSide
      ? `server-side:${flags.fieldManager ?? 'kubectl'}`
      : 'client-side';
    for (const o of mapped) {
      const live = state.objects[identity(o)];
      const problem =
        flags.dryRun === 'client'
          ? undefined
          : admissionError(state, o, {
              serverSide: flags.serverSide,
              verb: live ? 'patching' : 'creating',
            });
      if (problem) {
        errors.push(problem);
        continue;
      }
      const verb = flags.serverSide
        ? 'serverside-applied'
        : !live
          ? 'created'
          : canonical(live.object) === canonical(o.object)
            ? 'unchanged'
            : 'configured';
      // A dry run persists nothing: a Namespace "created" here does not exist for the next object.
      if (!flags.dryRun) persist(state, o, manager);
      out(`${displayName(o)} ${verb}${dry}`);
    }
    if (!flags.dryRun) saveState(stateDir, state);
    if (errors.length) {
      for (const e of errors) err(e);
      return 1;
    }
    return 0;
  }

  /**
   * Like kubectl diff: a server dry run of each object, exit 0 without differences, 1 with, >1
   * on an error. The changed objects are compared by one `diff -r` of two folders (a diff per
   * object was a fork of this process and of diff each, 394 in installs.test.ts), its headers
   * written back to the labels `diff -u -N --label live/… --label merged/…` of each pair gives.
   */
  function diff(args) {
    const flags = parseFlags(args);
    const { mapped, errors } = gather(flags);
    const work = mkdtempSync(join(env.TMPDIR || tmpdir(), 'kubectl-diff-'));
    const names = [];
    try {
      mkdirSync(join(work, 'live'));
      mkdirSync(join(work, 'merged'));
      for (const o of mapped) {
        const live = state.objects[identity(o)];
        const problem = admissionError(state, o, {
          serverSide: flags.serverSide,
          verb: live ? 'patching' : 'creating',
        });
        if (problem) {
          errors.push(problem);
          continue;
        }
        if (live && canonical(live.object) === canonical(o.object)) continue;
        // Same-length numbers: diff -r visits the pairs in the order of the objects.
        const file = String(names.length).padStart(6, '0');
        names.push(`${o.resource}.${o.namespace ?? ''}.${o.name}`);
        writeFileSync(join(work, 'live', file), live ? yaml.dump(live.object) : '');
        writeFileSync(join(work, 'merged', file), yaml.dump(o.object));
      }
      if (names.length) {
        const run = spawnSync('diff', ['-u', '-N', '-r', 'live', 'merged'], {
          cwd: work,
          encoding: 'utf8',
          env,
          maxBuffer: 1024 * 1024 * 1024,
        });
        write.out(labelled(run.stdout, names));
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    if (errors.length) {
      for (const e of errors) err(e);
      return 2;
    }
    return names.length ? 1 : 0;
  }

  /** `wait --for=condition=Established crd/<name>…` makes those CRDs served; jobs complete at once. */
  function wait(args) {
    const flags = parseFlags(args);
    if (!flags.for) throw new KubeError('error: --for must be specified');
    let rc = 0;
    for (const target of flags.names) {
      const [type, name] = target.split('/', 2);
      if (
        [
          'crd',
          'crds',
          'customresourcedefinition',
          'customresourcedefinitions',
          'customresourcedefinition.apiextensions.k8s.io',
        ].includes(type)
      ) {
        const crd = state.crds[name];
        if (!crd) {
          err(
            `Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io "${name}" not found`,
          );
          rc = 1;
          continue;
        }
        if (flags.for.toLowerCase() !== 'condition=established')
          throw new KubeError(
            `error: the kubectl stand-in models only --for=condition=Established on CRDs`,
          );
        crd.established = true;
        out(`customresourcedefinition.apiextensions.k8s.io/${name} condition met`);
      } else if (type === 'job') out(`job.batch/${name} condition met`);
      else throw new KubeError(`error: the kubectl stand-in does not model waiting for ${target}`);
    }
    saveState(stateDir, state);
    return rc;
  }

  /**
   * `get <kind> [name…]` as kubectl answers it: every object of the kind, or the named ones;
   * each name not there is `Error from server (NotFound): <resource> "<name>" not found` on
   * stderr and exit 1, after the rows of the names found (a header only when one is).
   */
  function get(args) {
    const [kind = '', slashName] = (args[0] ?? '').split('/', 2);
    const valueFlags = new Set(['-n', '--namespace', '-o', '--output', '-l', '--selector']);
    const names = slashName ? [slashName] : [];
    const flag = (short, long) => {
      let value;
      for (let i = 1; i < args.length; i++) {
        if (args[i] === short || args[i] === long) value = args[i + 1];
        else if (args[i].startsWith(`${long}=`)) value = args[i].slice(long.length + 1);
        else if (short && args[i].startsWith(short) && args[i].length > short.length)
          value = args[i].slice(short.length).replace(/^=/, '');
      }
      return value;
    };
    for (let i = 1; i < args.length; i++) {
      if (valueFlags.has(args[i])) i++;
      else if (!args[i].startsWith('-')) names.push(args[i]);
    }
    const namespace = flag('-n', '--namespace');
    const table = kindTable(kind, namespace);
    if (!table) {
      const type = resolveResourceType(state, kind);
      if (!type) throw new KubeError(`error: the server doesn't have a resource type "${kind}"`);
      const all = args.includes('-A') || args.includes('--all-namespaces');
      return getStored(
        type,
        names,
        all ? undefined : (namespace ?? 'default'),
        flag('-o', '--output'),
      );
    }
    const rows = names.length
      ? names.flatMap((n) => table.rows.filter((r) => r.name === n))
      : table.rows;
    if (rows.length || !names.length) out(table.header);
    for (const r of rows) out(r.line);
    const missing = names.filter((n) => !table.rows.some((r) => r.name === n));
    for (const n of missing)
      err(`Error from server (NotFound): ${table.resource} "${n}" not found`);
    return missing.length ? 1 : 0;
  }

  /**
   * `get` of any other kind the server serves: the objects applied of it (in `namespace`, or in
   * every namespace when undefined), as a table, `-o name`, or `-o yaml|json` (one object when
   * one name is asked for, else a List). Nothing there is `No resources found` on stderr, exit 0.
   */
  function getStored(type, names, namespace, output) {
    const resource = type.group
      ? `${type.kind.toLowerCase()}.${type.group}`
      : type.kind.toLowerCase();
    const inScope = Object.entries(state.objects)
      .map(([key, live]) => {
        const [res, ns, name] = key.split('/');
        return { res, ns, name, object: live.object };
      })
      .filter(
        (o) =>
          o.res === resource && (!type.namespaced || namespace === undefined || o.ns === namespace),
      )
      .sort((a, b) => a.ns.localeCompare(b.ns) || a.name.localeCompare(b.name));
    const found = names.length
      ? names.flatMap((n) => inScope.filter((o) => o.name === n))
      : inScope;
    const missing = names.filter((n) => !inScope.some((o) => o.name === n));
    if (output === 'name') for (const o of found) out(`${resource}/${o.name}`);
    else if (output === 'yaml' || output === 'json') {
      const single = names.length === 1 && found.length === 1;
      const value = single
        ? found[0].object
        : {
            apiVersion: 'v1',
            kind: 'List',
            items: found.map((o) => o.object),
            metadata: { resourceVersion: '' },
          };
      if (found.length || !names.length)
        write.out(output === 'json' ? `${JSON.stringify(value, null, 4)}\n` : yaml.dump(value));
    } else if (output !== undefined && output !== 'wide')
      throw new KubeError(`error: the kubectl stand-in does not model -o ${output}`);
    else if (found.length) {
      const deployment = type.kind === 'Deployment';
      const header = [
        ...(type.namespaced && namespace === undefined ? ['NAMESPACE'] : []),
        'NAME',
        ...(deployment ? ['READY', 'UP-TO-DATE', 'AVAILABLE'] : []),
        'AGE',
      ];
      const rows = found.map((o) => {
        const replicas = String(o.object.spec?.replicas ?? 1);
        return [
          ...(type.namespaced && namespace === undefined ? [o.ns] : []),
          o.name,
          ...(deployment ? [`${replicas}/${replicas}`, replicas, replicas] : []),
          '1d',
        ];
      });
      for (const line of columns([header, ...rows])) out(line);
    } else if (!names.length)
      err(
        type.namespaced && namespace !== undefined
          ? `No resources found in ${namespace} namespace.`
          : 'No resources found',
      );
    const plural = type.group ? `${type.plural}.${type.group}` : type.plural;
    for (const n of missing) err(`Error from server (NotFound): ${plural} "${n}" not found`);
    return missing.length ? 1 : 0;
  }

  /**
   * `create namespace <name>` (`ns`), the one `create` a bastion session types by hand; any
   * other `create` is refused as not modelled rather than answered wrongly.
   */
  function create(args) {
    const [what = '', name, ...rest] = args;
    if (!['namespace', 'ns'].includes(what))
      throw new KubeError(`error: the kubectl stand-in does not model "create ${what}"`);
    if (!name) throw new KubeError('error: exactly one NAME is required, got 0');
    const flags = parseFlags(rest);
    const dry =
      flags.dryRun === 'server'
        ? ' (server dry run)'
        : flags.dryRun === 'client'
          ? ' (dry run)'
          : '';
    if (state.namespaces.includes(name) && flags.dryRun !== 'client')
      throw new KubeError(`Error from server (AlreadyExists): namespaces "${name}" already exists`);
    if (!flags.dryRun) {
      const object = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
      persist(state, { object, source: 'create', resource: 'namespace', name }, 'kubectl-create');
      saveState(stateDir, state);
    }
    out(`namespace/${name} created${dry}`);
    return 0;
  }

  /** The stand-in's objects of a kind as `get` lists them, or undefined for a kind it does not serve. */
  function kindTable(kind, namespace) {
    const live = Object.values(state.objects).map((o) => o.object);
    if (['kafkatopic', 'kafkatopics', 'kt'].includes(kind)) {
      const row = (...cols) =>
        `${cols[0].padEnd(18)}${cols[1].padEnd(28)}${cols[2].padEnd(13)}${cols[3].padEnd(21)}${cols[4]}`;
      const topics = live.filter(
        (o) =>
          o.kind === 'KafkaTopic' &&
          (!namespace || (o.metadata?.namespace ?? 'default') === namespace),
      );
      return {
        resource: 'kafkatopics.kafka.strimzi.io',
        header: row('NAME', 'CLUSTER', 'PARTITIONS', 'REPLICATION FACTOR', 'READY'),
        rows: topics
          .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
          .map((t) => ({
            name: t.metadata.name,
            line: row(
              t.metadata.name,
              'example-kafka-cluster-dev',
              String(t.spec?.partitions ?? ''),
              String(t.spec?.replicas ?? ''),
              'True',
            ),
          })),
      };
    }
    if (['pods', 'pod', 'po'].includes(kind)) {
      const pod = 'quote-service-7c9d8f6b54-4kq2p';
      return {
        resource: 'pods',
        header: 'NAME                             READY   STATUS    RESTARTS   AGE',
        rows: [{ name: pod, line: `${pod}   1/1     Running   0          42s` }],
      };
    }
    if (['crd', 'crds', 'customresourcedefinitions'].includes(kind)) {
      return {
        resource: 'customresourcedefinitions.apiextensions.k8s.io',
        header: 'NAME                                          ESTABLISHED',
        rows: Object.entries(state.crds)
          .sort()
          .map(([name, crd]) => ({ name, line: `${name.padEnd(46)}${crd.established}` })),
      };
    }
    if (['ns', 'namespace', 'namespaces'].includes(kind)) {
      return {
        resource: 'namespaces',
        header: 'NAME              STATUS   AGE',
        rows: [...state.namespaces]
          .sort()
          .map((ns) => ({ name: ns, line: `${ns.padEnd(18)}Active   1d` })),
      };
    }
    return undefined;
  }

  const commands = {
    apply,
    create,
    diff,
    wait,
    get,
    rollout: (args) => {
      out(`deployment "${(args[1] ?? '').replace(/^deployment\//, '')}" successfully rolled out`);
      return 0;
    },
    version: () => {
      out('Client Version: v1.31.2 (airgap stand-in)');
      return 0;
    },
  };

  try {
    const command = commands[argv[0]];
    if (!command) throw new KubeError(`error: unknown command "${argv[0]}" for "kubectl"`);
    return command(argv.slice(1));
  } catch (error) {
    if (!(error instanceof KubeError)) throw error;
    err(error.message);
    return 1;
  }
}

/** Rows as kubectl prints a table: each column as wide as its widest cell, three spaces apart. */
function columns(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join(''),
  );
}

/**
 * `diff -r live merged` output as the separate `diff -u --label live/NAME --label merged/NAME`
 * runs print it: no `diff …` line per pair, and the labels in the `---`/`+++` headers (and in a
 * binary files line) instead of the numbered paths and their times. Hunk lines start with a
 * space, `+`, `-`, `\\` or `@@`, so a line starting `diff ` is always the start of a pair.
 */
function labelled(text, names) {
  const lines = text.split('\n');
  let name;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const pair = /^diff .* live\/(\d{6}) merged\/\1$/.exec(line);
    if (pair) {
      name = names[Number(pair[1])];
      lines[i] = undefined;
    } else if (name !== undefined && line.startsWith('--- live/')) {
      lines[i] = `--- live/${name}`;
    } else if (name !== undefined && line.startsWith('+++ merged/')) {
      lines[i] = `+++ merged/${name}`;
      name = undefined;
    } else {
      const binary = /^Binary files live\/(\d{6}) and merged\/\1 differ$/.exec(line);
      if (binary) {
        const n = names[Number(binary[1])];
        lines[i] = `Binary files live/${n} and merged/${n} differ`;
      }
    }
  }
  return lines.filter((l) => l !== undefined).join('\n');
}
