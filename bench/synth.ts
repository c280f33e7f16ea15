/**
 * Measurement 5: synthesizing the example stack with 1,000 migration files against the same stack
 * with an empty migrations folder, in one process (aws-cdk-lib loaded once, one warm-up synth each),
 * alternating, median of several. Each timed 1,000-file synth sees a set it has not seen before (one
 * comment changes), so the manifest is written afresh, as on a first `cdk synth` after an edit.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { generateCorpus, writeMigrationsFolder } from './corpus';
import { median, rotated, timeMs } from './stats';
import { ExampleStack } from '../examples/app';
import { loadMigrations, migrationSetHash, parseMigrations } from '../src/engine';

export interface SynthMeasurement {
  readonly files: number;
  readonly statements: number;
  readonly withFilesMs: number[];
  readonly emptyMs: number[];
  readonly medianWithFilesMs: number;
  readonly medianEmptyMs: number;
}

export async function measureSynth(files: number, runs: number, seed: number, progress: (line: string) => void): Promise<SynthMeasurement> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dsql-migrations-bench-synth-'));
  try {
    const empty = path.join(work, 'empty');
    const full = path.join(work, 'full');
    fs.mkdirSync(empty);
    const sources = generateCorpus({ files, seed });
    writeMigrationsFolder(full, sources);
    const last = path.join(full, sources[sources.length - 1].fileName);
    const lastSql = sources[sources.length - 1].sql;
    let synths = 0;
    /** One synth, timed; the manifest it caches is removed afterwards unless it was there before (another process may use it). */
    const timedSynth = async (migrationsPath: string): Promise<number> => {
      const cached = path.join(os.tmpdir(), 'cdk-dsql-migrations', migrationSetHash(loadMigrations(migrationsPath)));
      const existed = fs.existsSync(cached);
      const outdir = path.join(work, `cdk.out.${++synths}`);
      const elapsed = await timeMs(async () => {
        const app = new App({ outdir });
        new ExampleStack(app, 'BenchStack', { migrationsPath, env: { account: '123456789012', region: 'us-east-1' } });
        app.synth();
      });
      if (!existed) fs.rmSync(cached, { recursive: true, force: true });
      return elapsed;
    };
    await timedSynth(empty);
    await timedSynth(full);
    const withFiles: number[] = [];
    const emptyTimes: number[] = [];
    for (let round = 0; round < runs; round++) {
      fs.writeFileSync(last, `${lastSql}-- bench round ${round} ${process.pid} ${Date.now()}\n`);
      for (const variant of rotated(['empty', 'full'], round)) {
        if (variant === 'empty') emptyTimes.push(await timedSynth(empty));
        else withFiles.push(await timedSynth(full));
      }
    }
    progress(`  synth: ${files} files ${median(withFiles).toFixed(0)} ms, empty ${median(emptyTimes).toFixed(0)} ms`);
    const statements = parseMigrations(sources).reduce((n, m) => n + m.statements.length, 0);
    return {
      files,
      statements,
      withFilesMs: withFiles,
      emptyMs: emptyTimes,
      medianWithFilesMs: median(withFiles),
      medianEmptyMs: median(emptyTimes),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
