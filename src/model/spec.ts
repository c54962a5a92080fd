import yaml from 'js-yaml';
// A namespace import, not { z }: esbuild then keeps only the zod these schemas use, without
// its 60-odd locales (dist/bin/'s zod 590 -> 148 KB, about 100 ms CPU off a first bundle).
import * as z from 'zod';
import { AirgapError } from '../errors.js';
import { lineOf } from '../util/yaml-lines.js';
import { meantKey } from './spec-keys.js';
import {
  BUCKET_PATTERN,
  ENDPOINT_PATTERN,
  MUTATING,
  NAME_MAX,
  NAMESPACE_MAX,
  NAMESPACE_NAME,
  noDoubleDot,
  notIpAddress,
  notReservedBucket,
  ONE_LINE,
  PREFIX_PATTERN,
  REASON_MIN,
  REGION_PATTERN,
  REGISTRY_HOST,
  SLUG,
  SPEC_TEXT_LIMITS,
} from './spec-rules.js';

export { SPEC_TEXT_LIMITS } from './spec-rules.js';

const slug = SLUG;
const regionSchema = z
  .string()
  .regex(
    REGION_PATTERN,
    'use an AWS region name (lower-case letters, digits, dashes), e.g. us-east-1',
  );
/**
 * S3's bucket naming rules (general purpose buckets), so a name S3 would refuse is found at
 * bundle time with its line rather than at upload, after the archive has reached CloudShell.
 */
const bucketSchema = z
  .string()
  .min(3, 'an S3 bucket name has 3 to 63 characters')
  .max(63, 'an S3 bucket name has 3 to 63 characters')
  .regex(
    BUCKET_PATTERN,
    'use an S3 bucket name: lower-case letters, digits, dots and dashes, starting and ending with a letter or digit',
  )
  .refine(noDoubleDot, 'an S3 bucket name has no two dots in a row')
  .refine(notIpAddress, 'an S3 bucket name is not an IP address')
  .refine(
    notReservedBucket,
    'S3 reserves this prefix or suffix (xn--, sthree-, amzn-s3-demo-, -s3alias, --ol-s3, .mrap, --x-s3, --table-s3)',
  );
/** Control characters are refused (spec-rules.ts says why). */
const prefixSchema = z
  .string()
  .regex(PREFIX_PATTERN, 'keep the S3 prefix free of control characters (newlines, tabs)')
  .default('');

/** 4,000 as en-US writes it, without toLocaleString: its first call loads ICU (50 ms per run). */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const tooLong = (what: string, max: number) =>
  `${what} is over ${grouped(max)} characters: shorten it`;

export const stepSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(SPEC_TEXT_LIMITS.stepName.hard, tooLong('a step name', SPEC_TEXT_LIMITS.stepName.hard))
      .regex(ONE_LINE, 'keep a step name on one line (it becomes a heading in PASTE.md)')
      .describe('What the step does, shown in PASTE.md and the runbook'),
    run: z
      .string()
      .min(1)
      .max(SPEC_TEXT_LIMITS.command.hard, tooLong('a command', SPEC_TEXT_LIMITS.command.hard))
      .describe('Shell command run with bash from the extracted bundle root'),
    continueOnError: z
      .boolean()
      .optional()
      .describe('Keep going with later steps when this one fails'),
  })
  .strict();

export const observeSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(SPEC_TEXT_LIMITS.stepName.hard, tooLong('a name', SPEC_TEXT_LIMITS.stepName.hard))
      .regex(ONE_LINE, 'keep the name on one line (it becomes a heading)')
      .describe('What the output tells, e.g. Kafka brokers'),
    run: z
      .string()
      .min(1)
      .max(SPEC_TEXT_LIMITS.command.hard, tooLong('a command', SPEC_TEXT_LIMITS.command.hard))
      .refine(
        (run) => !MUTATING.test(run),
        'an observe command only reads: move commands that change the cluster to steps',
      )
      .describe('Read-only command, e.g. kubectl get kafka -n kafka -o wide'),
  })
  .strict();

export const bundleSpecSchema = z
  .object({
    name: z
      .string()
      .regex(slug, 'use lower-case letters, digits and dashes, e.g. dev-topics')
      .max(NAME_MAX, 'keep it to 24 characters so marker lines stay under 80 columns')
      .describe('Bundle name; the bundle id is <name>-<short commit>'),
    environment: z
      .string()
      .regex(slug, 'use lower-case letters, digits and dashes, e.g. dev')
      .describe('Target environment, as used in docs/ecr-manifest.md'),
    description: z
      .string()
      .min(1)
      .max(
        SPEC_TEXT_LIMITS.description.hard,
        tooLong('the description', SPEC_TEXT_LIMITS.description.hard),
      )
      // Optional, not defaulted: a spec without it keeps its content hash, so bundle ids stay.
      .optional()
      .describe('The objective, shown in the runbook (default: "Deploy <name> to <environment>")'),
    files: z
      .array(z.string().min(1))
      .min(1)
      .describe('Globs over committed paths (picomatch syntax)'),
    exclude: z.array(z.string().min(1)).optional().describe('Globs to leave out'),
    s3: z
      .object({
        bucket: bucketSchema,
        prefix: prefixSchema,
        region: regionSchema,
        endpoint: z
          .string()
          .regex(
            ENDPOINT_PATTERN,
            'use a plain URL: http(s)://host[:port][/path], e.g. https://s3.us-east-1.amazonaws.com',
          )
          .optional()
          .describe('S3 endpoint URL, e.g. a VPC endpoint'),
        forcePathStyle: z.boolean().optional(),
      })
      .strict(),
    // Optional, not defaulted: a spec without it keeps its content hash, so bundle ids stay.
    namespace: z
      .string()
      .max(NAMESPACE_MAX, `a namespace name has at most ${NAMESPACE_MAX} characters`)
      .regex(
        NAMESPACE_NAME,
        'use a Kubernetes namespace name: lower-case letters, digits and dashes, e.g. argocd',
      )
      .optional()
      .describe(
        'Namespace for the objects the manifests leave without one (kubectl apply -n), created first unless a file creates it; default plan only',
      ),
    steps: z.array(stepSchema).optional().describe('Default: dry run then apply each manifest'),
    verify: z
      .array(
        z
          .string()
          .min(1)
          .max(SPEC_TEXT_LIMITS.command.hard, tooLong('a command', SPEC_TEXT_LIMITS.command.hard)),
      )
      .default([])
      .describe('Commands run after the steps'),
    observe: z
      .array(observeSchema)
      .optional()
      .describe(
        'Read-only commands run on the bastion after the steps (even when one failed); their output goes to docs/env-details.md',
      ),
    images: z.array(z.string().min(1)).default([]).describe('Extra images the bundle needs'),
    // Optional, not defaulted: a spec without it keeps its content hash, so bundle ids stay.
    ignoreImages: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Globs (picomatch) over image references found in the manifests that the bundle does not need, e.g. quay.io/strimzi/kafka:*-kafka-3.2.*',
      ),
    imageSources: z
      .record(z.string(), z.string())
      .default({})
      .describe(
        'ECR repository -> upstream image to pull in CloudShell, e.g. strimzi/kafka: quay.io/strimzi/kafka',
      ),
    ecr: z
      .object({
        registry: z.string().min(1),
        region: regionSchema,
        check: z
          .boolean()
          .optional()
          .describe(
            'Ask ECR from the bastion for every image the bundle needs before any step (aws ecr describe-images)',
          ),
        mirrors: z
          .array(z.string().regex(REGISTRY_HOST, 'expected a registry host, e.g. quay.io'))
          .optional()
          .describe(
            'Registry hosts the cluster nodes reach through a mirror or pull-through cache, e.g. [quay.io, docker.io]: images from them are not reported as pulled from outside the air gap',
          ),
      })
      .strict()
      .optional(),
    signing: z
      .object({
        identity: z.string().min(1).describe('The signer principal, as listed in allowed_signers'),
        allowedSigners: z.string().min(1).describe('Committed allowed_signers file, repo-relative'),
        key: z.string().optional().describe('Private key to sign with (or --sign-key)'),
      })
      .strict()
      .optional()
      .describe('Sign the archive with ssh-keygen -Y sign; the bastion verifies before extracting'),
    allowSecrets: z
      .array(z.object({ path: z.string().min(1), reason: z.string().min(REASON_MIN) }).strict())
      .default([])
      .describe(
        'Files allowed to hold a Secret or credential, each with a reason; path is a repo path or a glob (picomatch)',
      ),
  })
  .strict();

export type BundleSpec = z.infer<typeof bundleSpecSchema>;
export type Step = z.infer<typeof stepSchema>;

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const got = issue.message.match(/received (\w+)/)?.[1];
    return got === 'undefined'
      ? `missing required key: add it (expected ${issue.expected})`
      : `expected ${issue.expected}${got ? `, got ${got}` : ''}`;
  }
  return issue.message;
}

/** Parses and validates a spec; every problem is reported with its line, all at once. */
export function parseBundleSpec(text: string, file: string): BundleSpec {
  let raw: unknown;
  try {
    raw = yaml.load(text, { filename: file });
  } catch (error) {
    const mark = (error as { mark?: { line: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? String(error);
    throw new AirgapError(`${file}:${(mark?.line ?? 0) + 1}: invalid YAML: ${reason}`, {
      hint: 'fix the YAML syntax',
      code: 'invalidSpec',
    });
  }
  // One parse per run: not worth compiling (ONE_SHOT in record.ts).
  const result = bundleSpecSchema.safeParse(raw, { jitless: true });
  if (result.success) return result.data;
  const issues = result.error.issues;
  const steps = (raw as { steps?: unknown } | null)?.steps;
  // One problem per unknown key, at its own line and with its own suggestion.
  const problems = issues.flatMap((issue) => {
    const path = issue.path.map(String);
    const at = path.length ? path.join('.') : '(top level)';
    // A step as PASTE.md and the docs count it ("step 3 of 5"), then the path in the spec.
    const step =
      path[0] === 'steps' && /^\d+$/.test(path[1] ?? '') && Array.isArray(steps)
        ? `step ${Number(path[1]) + 1} of ${steps.length} (${at})`
        : at;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const line = lineOf(text, [...path, key]);
        const hint = meantKey(bundleSpecSchema, key, issue, issues);
        return {
          line,
          text: `${file}:${line}: ${step}: unknown key ${key}: remove it or check the spelling${hint}`,
        };
      });
    }
    const line = lineOf(text, path);
    return [{ line, text: `${file}:${line}: ${step}: ${describeIssue(issue)}` }];
  });
  throw new AirgapError(
    `${file}: invalid bundle spec (${problems.length} problem${problems.length > 1 ? 's' : ''})`,
    {
      // In the order of the file: a typo and the key it left missing read together.
      details: problems.sort((a, b) => a.line - b.line).map((p) => p.text),
      hint: 'fix each line above; the keys are in the README\'s "Bundle spec reference", and `airgap init` writes a commented example (bundles/example.yaml)',
      code: 'invalidSpec',
    },
  );
}
