import { S3ServiceException } from '@aws-sdk/client-s3';

/** An error shaped like the ones the AWS SDK throws for an S3 error response. */
export function s3Error(name: string, status: number, extra: Record<string, unknown> = {}) {
  return Object.assign(
    new S3ServiceException({
      name,
      $fault: 'client',
      $metadata: { httpStatusCode: status },
      message: `${name} happened`,
    }),
    extra,
  );
}
