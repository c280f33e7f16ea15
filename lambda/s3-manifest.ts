import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readManifest } from '../src/engine/manifest';
import { Migration } from '../src/engine/migration-set';

const s3 = new S3Client({});
const cache = new Map<string, Migration[]>();

/** Reads the migrations asset the construct uploaded; its key changes with its content, so it caches well. */
export async function loadManifestFromS3(bucket: string, key: string): Promise<Migration[]> {
  const cacheKey = `${bucket}/${key}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const migrations = readManifest(await response.Body!.transformToString('utf8'));
  cache.set(cacheKey, migrations);
  return migrations;
}
