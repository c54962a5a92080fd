import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactText } from '../../src/ingest/clean/redact.js';
import type { BundleRecord } from '../../src/model/record.js';
import { echoRows, MAX_BLOCK_ROWS } from '../../src/paste/bastion.js';
import {
  cloudshellBlocks,
  cloudshellUnits,
  cloudshellWarnings,
  imagePlan,
} from '../../src/paste/cloudshell.js';
import { renderPasteSheet } from '../../src/paste/render.js';
import { fixture, tempDir } from '../helpers/fixtures.js';

const ecr = '111122223333.dkr.ecr.us-east-1.amazonaws.com';
const work = fixture(() => tempDir('airgap-cloudshell-'));

function record(overrides: Partial<BundleRecord> = {}, spec: object = {}): BundleRecord {
  return {
    format: 'airgap-bundle/1',
    id: 'dev-topics-abc1234',
    name: 'dev-topics',
    environment: 'dev',
    description: 'Topics',
    commit: 'abc1234'.padEnd(40, '0'),
    commitTime: '2026-01-01T00:00:00.000Z',
    specPath: 'bundles/dev-topics.yaml',
    spec: { ecr: { registry: ecr, region: 'us-east-1' }, ...spec } as BundleRecord['spec'],
    files: [],
    units: [],
    images: [],
    missingImages: [],
    s3: { bucket: 'acme-airgap', prefix: 'bundles/dev', region: 'us-east-1' },
    archive: {
      file: 'dev-topics-abc1234.tar.gz',
      format: 'tar.gz',
      sha256: 'a'.repeat(64),
      size: 1000,
      key: 'bundles/dev/dev-topics-abc1234.tar.gz',
    },
    ...overrides,
  };
}

describe('CloudShell image pushes', () => {
  it('never guesses a public source for an ECR image with no imageSources entry', () => {
    const r = record(
      { missingImages: [`${ecr}/team/app:1.0`, `${ecr}/edenhill/kcat:1.7.1`, 'nginx:1.27'] },
      { imageSources: { 'edenhill/kcat': 'docker.io/edenhill/kcat' } },
    );
    const plan = imagePlan(r);
    expect(plan.unpushable).toEqual([
      { image: `${ecr}/team/app:1.0`, reason: 'no source: add imageSources or push it from CI' },
    ]);
    expect(plan.pushes.map((p) => [p.n, p.source])).toEqual([
      [3, 'docker.io/edenhill/kcat:1.7.1'],
      [4, 'nginx:1.27'],
    ]);
    const pushBlock = cloudshellBlocks(r).find((b) => b.title.startsWith('Push'))!;
    expect(pushBlock.code).not.toMatch(/^airgap_image .*team\/app/m);
    expect(pushBlock.code).toContain(`not pushed: %s\\n' '${ecr}/team/app:1.0: no source`);
    expect(pushBlock.purpose).toContain('no source: add imageSources or push it from CI');
    expect(cloudshellUnits(r).map((u) => u.n)).toEqual([1, 3, 4]);
    expect(cloudshellWarnings(r)).toEqual([
      `${ecr}/team/app:1.0: no source: add imageSources or push it from CI`,
    ]);
  });

  it('pushes one image to one ECR reference: the imageSources one, else the first', () => {
    const images = ['strimzi/operator:0.32.0', 'quay.io/strimzi/operator:0.32.0', 'nginx:1.27'];
    const chosen = imagePlan(
      record(
        { missingImages: images },
        { imageSources: { 'strimzi/operator': 'quay.io/strimzi/operator' } },
      ),
    );
    expect(chosen.pushes.map((p) => [p.n, p.source])).toEqual([
      [3, 'quay.io/strimzi/operator:0.32.0'],
      [4, 'nginx:1.27'],
    ]);
    expect(chosen.unpushable).toEqual([
      {
        image: 'strimzi/operator:0.32.0',
        reason: `${ecr}/strimzi/operator:0.32.0 is also pushed from quay.io/strimzi/operator:0.32.0, and one would overwrite the other: use one upstream in the manifests`,
      },
    ]);
    const first = imagePlan(record({ missingImages: images }));
    expect(first.pushes.map((p) => p.source)).toEqual(['strimzi/operator:0.32.0', 'nginx:1.27']);
    expect(first.unpushable[0]?.reason).toContain('or name it in imageSources (strimzi/operator)');
    expect(cloudshellWarnings(record({ missingImages: images }))).toHaveLength(1);
    // The same image written three ways is one source: nothing is overwritten.
    const same = imagePlan(
      record({
        missingImages: [
          'nginx:1.27',
          'docker.io/library/nginx:1.27',
          'index.docker.io/library/nginx:1.27',
        ],
      }),
    );
    expect(same.unpushable).toEqual([]);
  });

  it('leaves the push block out when nothing can be pushed, and says why in PASTE.md', () => {
    const r = record({ missingImages: [`${ecr}/team/app:1.0`] });
    expect(cloudshellBlocks(r).map((b) => b.title)).not.toContainEqual(
      expect.stringMatching(/^Push/),
    );
    expect(renderPasteSheet(r)).toContain(
      `Images CloudShell cannot push: \`${ecr}/team/app:1.0\` (no source: add imageSources or push it from CI).`,
    );
  });

  it('puts no trailing comment on the image line (zsh would read it as code)', () => {
    const r = record({ missingImages: ['nginx:1.27'] });
    const code = cloudshellBlocks(r).find((b) => b.title.startsWith('Push'))!.code;
    expect(code.split('\n').at(-1)).toBe(
      `airgap_image 2 nginx:1.27 ${ecr} library/nginx 1.27 us-east-1`,
    );
  });
});

describe('CloudShell upload blocks', () => {
  it('keep hostile spec values inert in bash, zsh and dash: each reaches aws as one argument', () => {
    const canary = join(work().path, 'injected');
    const hostile = `x'$(touch ${canary})\`touch ${canary}\`;y`;
    const bin = join(work().path, 'bin');
    mkdirSync(bin);
    // An aws stand-in that prints its arguments, one per line, and fails.
    writeFileSync(join(bin, 'aws'), '#!/bin/sh\nprintf \'arg:%s\\n\' "$@"\nexit 1\n', {
      mode: 0o755,
    });
    const content = 'archive bytes';
    const base = record();
    const r = record({
      s3: { bucket: hostile, prefix: 'p', region: hostile, endpoint: `http://h/${hostile}` },
      archive: {
        ...base.archive,
        sha256: createHash('sha256').update(content).digest('hex'),
      },
    });
    writeFileSync(join(work().path, base.archive.file), content);
    const fallback = cloudshellBlocks(r).find((b) => b.title.includes('fallback'))!;
    for (const shell of ['bash', 'zsh', 'dash']) {
      if (spawnSync('sh', ['-c', `command -v ${shell}`]).status !== 0) continue;
      const helpers = cloudshellBlocks(r).filter((b) => b.title.startsWith('Define the helpers'));
      const code = [...helpers, fallback].map((b) => b.code).join('\n');
      const run = spawnSync(shell, ['-c', code], {
        cwd: work().path,
        env: { PATH: `${bin}:${process.env.PATH}`, HOME: work().path },
        encoding: 'utf8',
      });
      expect(run.stdout, `${shell}: ${run.stderr}`).toContain(`arg:${hostile}\n`);
      expect(run.stdout).toContain(`arg:http://h/${hostile}\n`);
      expect(run.stdout).toMatch(/upload rc=1 /);
      expect(existsSync(canary)).toBe(false);
    }
  });
});

describe('CloudShell blocks on an 80x24 terminal', () => {
  it(`each echoes in at most ${MAX_BLOCK_ROWS} rows, also with twelve images to push`, () => {
    const images = Array.from(
      { length: 12 },
      (_, i) => `${ecr}/platform/team-${i}/service:1.0.${i}`,
    );
    const sources = Object.fromEntries(
      images.map((_, i) => [`platform/team-${i}/service`, `docker.io/platform/team-${i}/service`]),
    );
    const r = record({ missingImages: images }, { imageSources: sources });
    const blocks = cloudshellBlocks(r);
    expect(blocks.flatMap((b) => b.units ?? [])).toEqual([
      1,
      1,
      ...imagePlan(r).pushes.map((p) => p.n),
    ]);
    expect(blocks.filter((b) => b.title.startsWith('Push')).length).toBeGreaterThan(1);
    for (const b of blocks) expect(echoRows(b.code), b.title).toBeLessThanOrEqual(MAX_BLOCK_ROWS);
  });
});

describe('CloudShell blocks echoed into the terminal copy', () => {
  it('hold nothing the redaction masks: the text airgap wrote reaches the runbook as written', () => {
    const image = `${ecr}/edenhill/kcat:1.7.1`;
    const r = record(
      { missingImages: [image] },
      { imageSources: { 'edenhill/kcat': 'docker.io/edenhill/kcat' } },
    );
    const blocks = cloudshellBlocks(r);
    expect(blocks.some((b) => b.title.startsWith('Push'))).toBe(true);
    for (const b of blocks) expect(redactText(b.code), b.title).toBe(b.code);
  });
});
