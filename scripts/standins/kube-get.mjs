// `kubectl get` of the stand-in (kube-cli.mjs calls it): the tables, names and YAML or JSON
// kubectl prints for the objects of the API-server model in kube-model.mjs, which it only reads.

import yaml from 'js-yaml';
import { KubeError, resolveResourceType } from './kube-model.mjs';

/**
 * `get <kind> [name…]` as kubectl answers it: every object of the kind, or the named ones;
 * each name not there is `Error from server (NotFound): <resource> "<name>" not found` on
 * stderr and exit 1, after the rows of the names found (a header only when one is).
 */
export function get(args, call) {
  const { state, out, err } = call;
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
  const table = kindTable(state, kind, namespace);
  if (!table) {
    const type = resolveResourceType(state, kind);
    if (!type) throw new KubeError(`error: the server doesn't have a resource type "${kind}"`);
    const all = args.includes('-A') || args.includes('--all-namespaces');
    return getStored(
      call,
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
  for (const n of missing) err(`Error from server (NotFound): ${table.resource} "${n}" not found`);
  return missing.length ? 1 : 0;
}

/**
 * `get` of any other kind the server serves: the objects applied of it (in `namespace`, or in
 * every namespace when undefined), as a table, `-o name`, or `-o yaml|json` (one object when
 * one name is asked for, else a List). Nothing there is `No resources found` on stderr, exit 0.
 */
function getStored({ state, out, err, write }, type, names, namespace, output) {
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
  const found = names.length ? names.flatMap((n) => inScope.filter((o) => o.name === n)) : inScope;
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

/** The stand-in's objects of a kind as `get` lists them, or undefined for a kind it does not serve. */
function kindTable(state, kind, namespace) {
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

/** Rows as kubectl prints a table: each column as wide as its widest cell, three spaces apart. */
function columns(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join(''),
  );
}
