import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { parseMarker } from '../../src/model/markers.js';
import { bastionBlocks, bastionScript, helpersSource } from '../../src/paste/bastion.js';
import { cloudshellBlocks } from '../../src/paste/cloudshell.js';
import { fakeBastion, runBastionScript } from '../helpers/bastion.js';
import { fixture, opsRepo } from '../helpers/fixtures.js';
import { commitAll, requireTool } from '../helpers/ops-repo.js';

function markers(output: string) {
  return output
    .split('\n')
    .map(parseMarker)
    .filter((m) => m !== undefined);
}

function endStatus(output: string, kind: string): string[] {
  return markers(output)
    .filter((m) => m.type === 'end' && m.kind === kind)
    .map((m) => (m.skipped ? 'skip' : `rc=${m.rc}`));
}

function kubectlCalls(kubeState: string): string[] {
  const log = join(kubeState, 'calls.log');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

describe('generated bastion.sh with real bash, tar and sha256sum', () => {
  // One dev-topics bundle for the tests that run it on a bastion of their own (each one
  // damages or fails only its own bastion's copy): a repo and a bundle each were ~0.4 s of CPU.
  const devTopics = fixture(async () => {
    const repo = await opsRepo();
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    return Object.assign(repo, { result });
  });

  it('downloads, verifies, applies and verifies; exit 0 with all markers', async () => {
    const repo = devTopics();
    const { result } = repo;
    const bastion = fakeBastion(repo, result);
    const run = runBastionScript(result, bastion);
    expect(run.code, run.output).toBe(0);
    const all = markers(run.stdout);
    expect(all.filter((m) => m.type === 'begin')).toHaveLength(result.record.units.length);
    expect(all.filter((m) => m.type === 'end').every((m) => m.rc === 0)).toBe(true);
    expect(run.stdout).toContain('kafkatopic.kafka.strimzi.io/quote-requested created');
    expect(run.stdout).toMatch(
      /\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+\] \$ kubectl apply -f k8s\/dev\/topics\/kafka-topic-quote-requested\.yaml/,
    );
    expect(run.stdout).toContain('airgap: RESULT: SUCCESS');
    expect(kubectlCalls(bastion.kubeState)).toContain(
      'apply -f k8s/dev/topics/kafka-topic-quote-requested.yaml',
    );
    for (const line of run.stdout.split('\n').filter((l) => l.startsWith('@@airgap'))) {
      expect(line.length).toBeLessThan(80);
      expect(line).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('deploys a zip bundle the same way (unzip on the bastion)', async () => {
    if (!requireTool('unzip')) return;
    await using repo = await opsRepo();
    const result = await bundle({
      spec: 'dev-topics',
      repo: repo.path,
      out: repo.dir(),
      format: 'zip',
    });
    const run = runBastionScript(result, fakeBastion(repo, result));
    expect(run.stdout).toContain(`${result.record.archive.file}: OK`);
    expect(run.stdout).toContain('airgap: 4 files extracted and verified');
    expect(run.code, run.output).toBe(0);
  });

  it('stops a corrupted archive before any kubectl command, non-zero', async () => {
    const repo = devTopics();
    const { result } = repo;
    const bastion = fakeBastion(repo, result);
    const bytes = readFileSync(bastion.objectPath);
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0xff;
    writeFileSync(bastion.objectPath, bytes);
    const run = runBastionScript(result, bastion);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain('CHECKSUM MISMATCH');
    expect(run.stdout).toContain('FAILED');
    expect(endStatus(run.stdout, 'verify')).toEqual(['rc=1']);
    expect(endStatus(run.stdout, 'step').every((s) => s === 'skip')).toBe(true);
    expect(kubectlCalls(bastion.kubeState)).toEqual([]);
    expect(run.stdout).toContain('airgap: RESULT: FAILED');
  });

  it('stops on a missing object in S3 with the aws error in the output', async () => {
    const repo = devTopics();
    const { result } = repo;
    const bastion = fakeBastion(repo, result);
    writeFileSync(bastion.objectPath, '');
    spawnSync('rm', [bastion.objectPath]);
    const run = runBastionScript(result, bastion);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain('(404) when calling the HeadObject operation');
    expect(kubectlCalls(bastion.kubeState)).toEqual([]);
  });

  it('skips the steps after a failing step and says so in the markers', async () => {
    const repo = devTopics();
    const { result } = repo;
    const bastion = fakeBastion(repo, result, { KUBECTL_FAIL_ON: 'kafka-topic-quote-priced.yaml' });
    const run = runBastionScript(result, bastion);
    expect(run.code).not.toBe(0);
    expect(endStatus(run.stdout, 'step')).toEqual(['rc=0', 'rc=0', 'rc=1', 'skip', 'skip']);
    expect(run.stdout).toContain('admission webhook "validation.strimzi.io" denied the request');
    // Unit 6 is PASTE.md's block after the helper blocks, the transfer block and two steps.
    const blocks = bastionBlocks(result.record);
    const block = blocks.findIndex((b) => b.units?.includes(6)) + 1;
    expect(block).toBe(blocks.filter((b) => b.helpers).length + 4);
    expect(readFileSync(join(result.outDir, 'PASTE.md'), 'utf8')).toContain(
      `### ${block}. Unit 6 (step 3 of 5): Apply quote-priced`,
    );
    expect(run.stdout).toContain(
      `airgap: skipped: block ${block} (unit 6) failed earlier; paste block ${block} again to retry it`,
    );
    expect(kubectlCalls(bastion.kubeState).some((c) => c.includes('policy-issued'))).toBe(false);
  });

  it('keeps going after a step marked continueOnError', async () => {
    await using repo = await opsRepo();
    const specPath = join(repo.path, 'bundles/dev-topics.yaml');
    writeFileSync(
      specPath,
      readFileSync(specPath, 'utf8').replace(
        'run: kubectl apply -f k8s/dev/topics/kafka-topic-quote-priced.yaml',
        'run: kubectl apply -f k8s/dev/topics/kafka-topic-quote-priced.yaml\n    continueOnError: true',
      ),
    );
    commitAll(repo.path, 'tolerate');
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const bastion = fakeBastion(repo, result, { KUBECTL_FAIL_ON: 'kafka-topic-quote-priced.yaml' });
    const run = runBastionScript(result, bastion);
    expect(endStatus(run.stdout, 'step')).toEqual(['rc=0', 'rc=0', 'rc=1', 'rc=0', 'rc=0']);
    expect(run.code).not.toBe(0);
  });

  it('applies a hostile file name without executing anything in it', async () => {
    await using repo = await opsRepo();
    const hostile = "a b'c$(touch pwned)`touch pwned2`.yaml";
    writeFileSync(
      join(repo.path, 'k8s/dev/topics', hostile),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hostile\n',
    );
    writeFileSync(
      join(repo.path, 'bundles/hostile.yaml'),
      'name: hostile\nenvironment: dev\ndescription: hostile names\nfiles: ["k8s/dev/topics/a b*"]\ns3: { bucket: "acme-airgap", prefix: "odd dir/$(touch pwned)", region: us-east-1 }\n',
    );
    commitAll(repo.path, 'hostile');
    const result = await bundle({ spec: 'hostile', repo: repo.path, out: repo.dir() });
    const bastion = fakeBastion(repo, result);
    const run = runBastionScript(result, bastion);
    expect(run.code, run.output).toBe(0);
    expect(kubectlCalls(bastion.kubeState)).toContain(`apply -f k8s/dev/topics/${hostile}`);
    const found = spawnSync('find', [bastion.home, repo.path, result.outDir, '-name', 'pwned*'], {
      encoding: 'utf8',
    });
    expect(found.stdout).toBe('');
    expect(existsSync(join(process.cwd(), 'pwned'))).toBe(false);
  });
});

describe('shellcheck on every generated script and paste block', () => {
  it('passes at severity warning with no disables', async () => {
    if (!requireTool('shellcheck')) return;
    await using repo = await opsRepo();
    const outs = [
      await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() }),
      await bundle({ spec: 'dev-quote-service', repo: repo.path, out: repo.dir() }),
    ];
    for (const result of outs) {
      const dir = result.outDir;
      const files = ['bastion.sh', 'cloudshell.sh'].map((f) => join(dir, f));
      // The signature check only appears in signed bundles: check that variant too.
      const signed = {
        ...result.record,
        signature: {
          identity: 'ops@example.com',
          allowedSigners: 'ops@example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample',
          allowedSignersPath: 'allowed_signers',
          sig: '-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----',
        },
      };
      writeFileSync(join(dir, 'signed-bastion.sh'), bastionScript(signed));
      files.push(join(dir, 'signed-bastion.sh'));
      // helpers.sh runs under POSIX sh: checked as sh, for the signed variant too.
      writeFileSync(join(dir, 'signed-helpers.sh'), helpersSource(signed));
      files.push(join(dir, 'helpers.sh'), join(dir, 'signed-helpers.sh'));
      const bastion = bastionBlocks(result.record);
      const helperBlocks = bastion.filter((b) => b.title.startsWith('Load the airgap helpers'));
      const setup = helperBlocks.map((b) => b.code).join('\n');
      const cloud = cloudshellBlocks(result.record);
      const cloudHelpers = cloud.filter((b) => b.title.startsWith('Define the helpers'));
      const cloudSetup = cloudHelpers.map((b) => b.code).join('\n');
      [...bastion, ...cloud].forEach((block, i) => {
        const path = join(dir, `block-${i}.sh`);
        // A lone block is checked with the helpers it relies on defined before it.
        const helpers =
          i < bastion.length
            ? helperBlocks.includes(block)
              ? ''
              : `${setup}\n`
            : cloudHelpers.includes(block)
              ? ''
              : `${cloudSetup}\n`;
        writeFileSync(path, `#!/usr/bin/env bash\n${helpers}${block.code}\n`);
        files.push(path);
      });
      const check = spawnSync('shellcheck', ['--severity=warning', ...files], { encoding: 'utf8' });
      expect(check.stdout + check.stderr).toBe('');
      expect(check.status).toBe(0);
      for (const file of files)
        expect(readFileSync(file, 'utf8')).not.toContain('shellcheck disable');
    }
    expect(readdirSync(outs[0]!.outDir)).toContain('PASTE.md');
  });
});
