/**
 * Measurement 4: the handler bundle's size and module initialisation time, beside the floor: a
 * bundle of just `pg` and `@smithy/signature-v4` (the handler's token signer), built with the same esbuild options.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { median, rotated } from './stats';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const HANDLER_BUNDLE = path.join(REPO_ROOT, 'assets', 'handler', 'index.js');

/** The options of the `bundle` task in .projenrc.ts, as esbuild API options. */
const BUNDLE_OPTIONS: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'silent',
};

/** `empty`: an empty module, what any require costs in a fresh process (the loader, resolving, reading a file). */
export type InitVariant = 'handler' | 'handler-stub-s3' | 'floor' | 'empty';

export interface LambdaMeasurement {
  readonly handlerBytes: number;
  readonly floorBytes: number;
  /** Bytes of the handler bundle by origin (package name, or `own code`), largest first. */
  readonly handlerBreakdown: Array<{ origin: string; bytes: number }>;
  readonly initMs: Record<InitVariant, number[]>;
  readonly medianInitMs: Record<InitVariant, number>;
  /** Median require time of `@aws-sdk/client-s3` alone, from node_modules. */
  readonly s3ClientMs: number;
  readonly processes: number;
}

/** Where a bundled input comes from: the npm package, or the project's own code. */
function originOf(input: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return m ? m[1] : 'own code (lambda/, connectors/, src/engine/)';
}

function groupPackages(origin: string): string {
  if (origin.startsWith('@smithy/') || origin.startsWith('@aws-sdk/') || origin.startsWith('@aws-crypto/') || origin === 'tslib' || origin === 'bowser') {
    return origin === '@smithy/signature-v4' ? origin : 'AWS SDK core, credential chain and signing (@smithy/*, @aws-sdk/*, @aws-crypto/*)';
  }
  if (origin === 'pg' || origin.startsWith('pg-') || origin === 'pgpass' || origin === 'postgres-array' || origin === 'postgres-bytea' || origin === 'postgres-date' || origin === 'postgres-interval' || origin === 'split2' || origin === 'xtend') {
    return 'pg and its helpers (pg-*, postgres-*, pgpass, split2)';
  }
  return origin;
}

export async function measureLambda(processes: number, progress: (line: string) => void): Promise<LambdaMeasurement> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dsql-migrations-bench-lambda-'));
  try {
    // The same build as the bundle task, with a metafile, to say where the bytes come from.
    const analysed = await esbuild.build({
      ...BUNDLE_OPTIONS,
      entryPoints: [path.join(REPO_ROOT, 'lambda', 'index.ts')],
      external: ['@aws-sdk/client-s3'],
      outfile: path.join(work, 'analysed', 'index.js'),
      metafile: true,
    });
    const byOrigin = new Map<string, number>();
    for (const output of Object.values(analysed.metafile!.outputs)) {
      for (const [input, info] of Object.entries(output.inputs)) {
        const origin = groupPackages(originOf(input));
        byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + info.bytesInOutput);
      }
    }
    const handlerBreakdown = [...byOrigin.entries()].map(([origin, bytes]) => ({ origin, bytes })).sort((a, b) => b.bytes - a.bytes);

    // The floor: the two packages the handler cannot do without, nothing of ours.
    const floorFile = path.join(work, 'floor', 'index.js');
    await esbuild.build({
      ...BUNDLE_OPTIONS,
      stdin: {
        contents: "export { Client } from 'pg';\nexport { SignatureV4 } from '@smithy/signature-v4';\n",
        resolveDir: REPO_ROOT,
        loader: 'ts',
      },
      outfile: floorFile,
    });

    // The handler outside the repository, where `@aws-sdk/client-s3` resolves only to a stub (NODE_PATH):
    // the bundle's own init cost, without the SDK client the Lambda runtime provides.
    const stubRoot = path.join(work, 'stub-node-path');
    const stubDir = path.join(stubRoot, '@aws-sdk', 'client-s3');
    fs.mkdirSync(stubDir, { recursive: true });
    fs.writeFileSync(path.join(stubDir, 'index.js'), 'class S3Client { send() { throw new Error("stub"); } }\nclass GetObjectCommand {}\nmodule.exports = { S3Client, GetObjectCommand };\n');
    const isolatedHandler = path.join(work, 'isolated', 'index.js');
    fs.mkdirSync(path.dirname(isolatedHandler), { recursive: true });
    fs.copyFileSync(HANDLER_BUNDLE, isolatedHandler);

    const emptyFile = path.join(work, 'empty', 'index.js');
    fs.mkdirSync(path.dirname(emptyFile), { recursive: true });
    fs.writeFileSync(emptyFile, '');

    // The handler reads its invocation budget when it is loaded; the construct always sets it.
    const lambdaEnv = { ...process.env, DSQL_MIGRATIONS_INVOCATION_BUDGET_MS: '240000' };
    const files: Record<InitVariant, { file: string; env: NodeJS.ProcessEnv }> = {
      // In the repository, `@aws-sdk/client-s3` resolves from node_modules, as the runtime's copy does on Lambda.
      'handler': { file: HANDLER_BUNDLE, env: { ...lambdaEnv, NODE_PATH: '' } },
      'handler-stub-s3': { file: isolatedHandler, env: { ...lambdaEnv, NODE_PATH: stubRoot } },
      'floor': { file: floorFile, env: { ...process.env, NODE_PATH: '' } },
      'empty': { file: emptyFile, env: { ...process.env, NODE_PATH: '' } },
    };
    const initMs: Record<InitVariant, number[]> = { 'handler': [], 'handler-stub-s3': [], 'floor': [], 'empty': [] };
    const s3Ms: number[] = [];
    const variants: InitVariant[] = ['handler', 'handler-stub-s3', 'floor', 'empty'];
    for (let round = 0; round < processes; round++) {
      for (const variant of rotated(variants, round)) initMs[variant].push(requireTime(files[variant].file, files[variant].env));
      s3Ms.push(requireTime(require.resolve('@aws-sdk/client-s3'), process.env));
    }
    progress(`  lambda: ${processes} fresh processes per variant done`);
    return {
      handlerBytes: fs.statSync(HANDLER_BUNDLE).size,
      floorBytes: fs.statSync(floorFile).size,
      handlerBreakdown,
      initMs,
      medianInitMs: { 'handler': median(initMs.handler), 'handler-stub-s3': median(initMs['handler-stub-s3']), 'floor': median(initMs.floor), 'empty': median(initMs.empty) },
      s3ClientMs: median(s3Ms),
      processes,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Time to `require` a module in a fresh node process, measured inside that process around the
 * require alone (what Lambda's init phase pays for the code, not the process start).
 */
function requireTime(file: string, env: NodeJS.ProcessEnv): number {
  const script = "const { performance } = require('perf_hooks'); const t = performance.now(); require(process.argv[1]); process.stdout.write(String(performance.now() - t));";
  // stderr is dropped: the SDK warns about Node.js 20 on every load; a failed require still throws.
  const out = execFileSync(process.execPath, ['-e', script, file], { env, cwd: os.tmpdir(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return Number(out);
}
