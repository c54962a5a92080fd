// The manifests the kubectl stand-in reads (kube-cli.mjs): `-f` files, directories and stdin,
// `-k` kustomizations, each object checked as kubectl checks it before the API-server model
// (kube-model.mjs) sees it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import yaml from 'js-yaml';
import { KubeError, mapKind } from './kube-model.mjs';

const isList = (doc) =>
  typeof doc.kind === 'string' && /List$/.test(doc.kind) && Array.isArray(doc.items);

/** Every object a file holds, a List's items in its place; empty documents are nothing. */
export function objectsOfFile(path) {
  return objectsOfText(readFileSync(path, 'utf8'), path);
}

/** The same for text read elsewhere (`-f -`: stdin, which kubectl names STDIN). */
export function objectsOfText(text, path) {
  let docs;
  try {
    docs = yaml.loadAll(text);
  } catch (error) {
    throw new KubeError(`error: error parsing ${path}: ${error.reason ?? error.message}`);
  }
  const objects = [];
  for (const doc of docs) {
    if (doc === null || doc === undefined) continue;
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      throw new KubeError(
        `error: error validating "${path}": error validating data: invalid object to validate; if you choose to ignore these errors, turn validation off with --validate=false`,
      );
    }
    for (const object of isList(doc) ? doc.items : [doc]) {
      const missing = ['apiVersion', 'kind'].filter((k) => typeof object?.[k] !== 'string');
      if (missing.length) {
        throw new KubeError(
          `error: error validating "${path}": error validating data: [${missing.map((k) => `${k} not set`).join(', ')}]; if you choose to ignore these errors, turn validation off with --validate=false`,
        );
      }
      objects.push({ object, source: path });
    }
  }
  return objects;
}

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/;

/** `-f` as kubectl reads it: a file, or a directory's .yaml/.yml/.json files in name order. */
export function readFilenameArg(arg) {
  if (!existsSync(arg)) throw new KubeError(`error: the path "${arg}" does not exist`);
  if (!statSync(arg).isDirectory()) return objectsOfFile(arg);
  return readdirSync(arg)
    .filter((name) => MANIFEST_EXTENSIONS.test(name) && statSync(join(arg, name)).isFile())
    .sort()
    .flatMap((name) => objectsOfFile(join(arg, name)));
}

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** The kustomization fields the stand-in builds; any other is refused, not ignored. */
const KUSTOMIZE_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace']);

/** `-k`: the resources of a kustomization, with its `namespace:` set on namespaced objects. */
export function readKustomization(dir, state) {
  const name = KUSTOMIZATION_NAMES.find((n) => existsSync(join(dir, n)));
  if (!name) {
    throw new KubeError(
      `error: unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir}'`,
    );
  }
  const k = yaml.load(readFileSync(join(dir, name), 'utf8')) ?? {};
  const unknown = Object.keys(k).filter((key) => !KUSTOMIZE_FIELDS.has(key));
  if (unknown.length) {
    throw new KubeError(
      `error: the kubectl stand-in does not model kustomization field(s) ${unknown.join(', ')} (${join(dir, name)})`,
    );
  }
  const objects = (k.resources ?? []).flatMap((entry) => {
    if (/^[a-z]+:\/\//.test(entry))
      throw new KubeError(`error: the kubectl stand-in does not model remote resources (${entry})`);
    const path = join(dir, entry);
    if (!existsSync(path))
      throw new KubeError(
        `error: accumulating resources: accumulation err='accumulating resources from '${entry}': open ${path}: no such file or directory'`,
      );
    return statSync(path).isDirectory() ? readKustomization(path, state) : objectsOfFile(path);
  });
  if (k.namespace) {
    for (const o of objects) {
      const mapping = mapKind(state, o.object.apiVersion, o.object.kind);
      if (mapping?.namespaced !== false)
        o.object = { ...o.object, metadata: { ...o.object.metadata, namespace: k.namespace } };
    }
  }
  return objects;
}

export const isKustomizationPath = (path) => KUSTOMIZATION_NAMES.includes(basename(path));
