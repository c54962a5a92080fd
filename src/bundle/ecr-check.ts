import { isEcrRegistry, parseImageRef } from '../model/images.js';
import { shellQuote } from '../util/shell-quote.js';

/**
 * The command of the optional `ecr-check` unit (`ecr.check: true` in the spec): asks ECR on
 * the bastion for every image the bundle needs, before any step, and fails naming the missing
 * ones. An image outside ECR is looked for where the CloudShell block mirrors it: the spec's
 * registry, under the same path.
 */
export function ecrCheckCommand(
  images: readonly string[],
  ecr: { registry: string; region: string },
): string | undefined {
  const checks = images.flatMap((image) => {
    const ref = parseImageRef(image);
    const registry = isEcrRegistry(ref.registry) ? ref.registry : ecr.registry;
    if (!isEcrRegistry(registry)) return [];
    const [account = '', , , region = ecr.region] = registry.split('.');
    const id = ref.digest ? `imageDigest=${ref.digest}` : `imageTag=${ref.tag}`;
    const shown = `${registry}/${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag}`}`;
    return [
      ['check', region, account, ref.repository, id, shown].map((word, i) =>
        i === 0 ? word : shellQuote(word),
      ),
    ].map((words) => words.join(' '));
  });
  if (!checks.length) return undefined;
  return [
    'missing=0',
    'check() {',
    '  if out=$(aws ecr describe-images --region "$1" --registry-id "$2" --repository-name "$3" \\',
    `    --image-ids "$4" --query 'imageDetails[0].imageDigest' --output text 2>&1); then`,
    `    printf 'in ECR   %s %s\\n' "$5" "$out"`,
    '  else',
    `    printf 'MISSING  %s: %s\\n' "$5" "$(printf '%s' "$out" | tail -n 1)"`,
    '    missing=$((missing + 1))',
    '  fi',
    '}',
    ...checks,
    'if [ "$missing" -gt 0 ]; then',
    `  echo "airgap: $missing image(s) missing in ECR: push them (CloudShell image block) before any step"`,
    '  exit 1',
    'fi',
  ].join('\n');
}
