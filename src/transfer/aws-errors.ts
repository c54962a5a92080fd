import { AirgapError, type ExitCodeName } from '../errors.js';

interface SdkError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  Region?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string> };
}

/**
 * Turns an AWS SDK failure into one line a person can act on. `action` is the IAM action
 * that was being attempted, so AccessDenied can say which permission is missing.
 */
export function explainAwsError(
  error: unknown,
  context: { action: string; target: string; region: string; endpoint?: string | undefined },
): AirgapError {
  const e = (error ?? {}) as SdkError;
  const name = e.name ?? e.Code ?? e.code ?? '';
  const message = e.message ?? String(error);
  const status = e.$metadata?.httpStatusCode;
  const where = `${context.action} on ${context.target}`;
  const wrap = (text: string, hint: string, code: ExitCodeName) =>
    new AirgapError(text, { hint, code, cause: error });

  if (
    name === 'CredentialsProviderError' ||
    /Could not load credentials|credential/i.test(name) ||
    /Could not load credentials/i.test(message)
  ) {
    return wrap(
      `no AWS credentials found for ${where}`,
      'in CloudShell they are automatic; elsewhere run `aws configure`, set AWS_PROFILE or pass --profile',
      'awsCredentials',
    );
  }
  if (
    /ExpiredToken|RequestExpired|TokenRefreshRequired/.test(name) ||
    /security token .* expired/i.test(message)
  ) {
    return wrap(
      `the AWS session token has expired (${where})`,
      'refresh your session (aws sso login, or a new CloudShell tab) and run the command again',
      'awsCredentials',
    );
  }
  if (/InvalidAccessKeyId|SignatureDoesNotMatch|UnrecognizedClient/.test(name)) {
    return wrap(
      `AWS rejected the credentials (${name}) for ${where}`,
      'check the access key and secret, or the --profile you chose',
      'awsCredentials',
    );
  }
  if (/KMS/.test(name) || /KMS/.test(message)) {
    return wrap(
      `KMS denied the key for ${where}: ${message}`,
      'grant kms:GenerateDataKey and kms:Decrypt on the key, or pass a --kms-key-id you may use',
      'awsKms',
    );
  }
  if (name === 'NoSuchBucket') {
    return wrap(
      `bucket does not exist: ${context.target.split('/')[2] ?? context.target}`,
      'check the bucket name in the spec (s3.bucket) or --bucket',
      'awsNoSuchBucket',
    );
  }
  if (
    name === 'PermanentRedirect' ||
    name === 'AuthorizationHeaderMalformed' ||
    name === 'IllegalLocationConstraintException' ||
    status === 301
  ) {
    const right =
      e.Region ??
      e.$response?.headers?.['x-amz-bucket-region'] ??
      /expecting '([a-z0-9-]+)'/.exec(message)?.[1];
    return wrap(
      `the bucket is not in ${context.region}${right ? `; S3 says it is in ${right}` : ''} (${where})`,
      right
        ? `run again with --region ${right} (or set s3.region: ${right} in the spec)`
        : "pass the bucket's region with --region",
      'awsWrongRegion',
    );
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || status === 403) {
    return wrap(
      `access denied: ${where}`,
      `the identity needs ${context.action} on that resource; check its IAM and bucket policies`,
      'awsAccessDenied',
    );
  }
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|TimeoutError|NetworkingError/.test(
      `${name} ${e.code ?? ''} ${message}`,
    )
  ) {
    return wrap(
      `cannot reach S3${context.endpoint ? ` at ${context.endpoint}` : ` in ${context.region}`} (${where}): ${message}`,
      'check the network, proxy or VPC endpoint, and --endpoint',
      'awsUnreachable',
    );
  }
  return wrap(
    `S3 failed: ${where}: ${name || 'error'}: ${message}`,
    'run again with --debug for details',
    'awsOther',
  );
}
