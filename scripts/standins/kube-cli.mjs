// The kubectl commands of the stand-in (apply, create, diff, wait, get, rollout, version) over the
// API-server model in kube-model.mjs; get is in kube-get.mjs, diff in kube-diff.mjs, reading
// -f and -k in kube-files.mjs. Called once per process by ./kubectl, or many times by the test
// helpers' model server (kube-server.mjs), so it reads nothing from `process` but the working
// directory.

import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { diff } from './kube-diff.mjs';
import { objectsOfText, readFilenameArg, readKustomization } from './kube-files.mjs';
import { get } from './kube-get.mjs';
import {
  admissionError,
  canonical,
  displayName,
  identity,
  KubeError,
  loadState,
  mapObjects,
  persist,
  saveState,
} from './kube-model.mjs';

/** What kubectl adds to each object's line under `--dry-run=server|client`. */
function dryRunSuffix(dryRun) {
  if (dryRun === 'server') return ' (server dry run)';
  return dryRun === 'client' ? ' (dry run)' : '';
}

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
  // What the commands in kube-get.mjs and kube-diff.mjs read and write through.
  const call = { state, env, write, out, err };

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
    const dry = dryRunSuffix(flags.dryRun);
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
   * `create namespace <name>` (`ns`), the one `create` a bastion session types by hand; any
   * other `create` is refused as not modelled rather than answered wrongly.
   */
  function create(args) {
    const [what = '', name, ...rest] = args;
    if (!['namespace', 'ns'].includes(what))
      throw new KubeError(`error: the kubectl stand-in does not model "create ${what}"`);
    if (!name) throw new KubeError('error: exactly one NAME is required, got 0');
    const flags = parseFlags(rest);
    const dry = dryRunSuffix(flags.dryRun);
    if (state.namespaces.includes(name) && flags.dryRun !== 'client')
      throw new KubeError(`Error from server (AlreadyExists): namespaces "${name}" already exists`);
    // `--dry-run=client -o yaml` prints the object kubectl would send, as kubectl does: the
    // idempotent `create namespace x --dry-run=client -o yaml | kubectl apply -f -`.
    if (flags.output !== undefined) {
      if (flags.output !== 'yaml')
        throw new KubeError(`error: the kubectl stand-in models only -o yaml for create`);
      if (flags.dryRun === 'client') {
        const metadata = { creationTimestamp: null, name };
        write.out(
          yaml.dump({ apiVersion: 'v1', kind: 'Namespace', metadata, spec: {}, status: {} }),
        );
        return 0;
      }
    }
    if (!flags.dryRun) {
      const object = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
      persist(state, { object, source: 'create', resource: 'namespace', name }, 'kubectl-create');
      saveState(stateDir, state);
    }
    out(`namespace/${name} created${dry}`);
    return 0;
  }

  const commands = {
    apply,
    create,
    diff: (args) => {
      const flags = parseFlags(args);
      return diff(flags, gather(flags), call);
    },
    wait,
    get: (args) => get(args, call),
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
