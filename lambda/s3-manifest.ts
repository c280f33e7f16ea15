import type { S3Client } from '@aws-sdk/client-s3';
import { Migration, readManifest } from '../src/engine';

const cache = new Map<string, Migration[]>();
let s3: S3Client | undefined;

/**
 * Reads the migrations asset the construct uploaded; its key changes with its content, so it
 * caches well. The S3 client is loaded on first use: requiring it costs about 60 ms of cold start,
 * and Delete invocations and isComplete invocations that only wait for async jobs never read S3.
 */
export async function loadManifestFromS3(bucket: string, key: string): Promise<Migration[]> {
  const cacheKey = `${bucket}/${key}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { GetObjectCommand, S3Client: Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  s3 ??= new Client({});
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const migrations = readManifest(await response.Body!.transformToByteArray());
  cache.set(cacheKey, migrations);
  return migrations;
}
