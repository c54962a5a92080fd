#!/usr/bin/env node
// An aws CLI stand-in for machines without the aws CLI: `aws s3 cp s3://B/K DEST
// --endpoint-url URL` fetched through the AWS SDK from an S3-compatible server.
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const args = process.argv.slice(2);
if (args[0] !== 's3' || args[1] !== 'cp') {
  console.error('aws-sdk stand-in: only "s3 cp" is supported');
  process.exit(2);
}
let endpoint;
let region = 'us-east-1';
const positional = [];
for (let i = 2; i < args.length; i++) {
  if (args[i] === '--endpoint-url') endpoint = args[++i];
  else if (args[i] === '--region') region = args[++i];
  else positional.push(args[i]);
}
const [source, dest] = positional;
const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(source) ?? [];
const client = new S3Client({ region, endpoint, forcePathStyle: true });
try {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  mkdirSync(dirname(dest), { recursive: true });
  await pipeline(response.Body, createWriteStream(dest));
  console.log(`download: ${source} to ${dest}`);
} catch (error) {
  console.error(
    `fatal error: An error occurred (${error.$metadata?.httpStatusCode ?? error.name}) when calling the GetObject operation: ${error.message}`,
  );
  process.exit(1);
}
