import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, aws_sns as sns } from 'aws-cdk-lib';
import { bridgeAssembly, integRunnerSchemaVersion } from './schema-compat';
import { tempDir } from '../support/harness';

function synthesized(): string {
  const outdir = tempDir('schema-compat');
  const app = new App({ outdir });
  new sns.Topic(new Stack(app, 'S'), 'T');
  app.synth();
  return outdir;
}

const read = (dir: string, file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));

test('finds the schema version the installed integ-runner reads', () => {
  expect(integRunnerSchemaVersion()).toBeGreaterThanOrEqual(53);
});

test('lowers the version of the files integ-runner reads, and leaves the rest alone', () => {
  const dir = synthesized();
  const written = read(dir, 'manifest.json').version as string;
  const template = fs.readFileSync(path.join(dir, 'S.template.json'), 'utf8');
  expect(bridgeAssembly(dir, 53).sort()).toEqual(Number(written.split('.')[0]) > 53 ? ['S.assets.json', 'cdk.out', 'manifest.json'] : []);
  for (const f of ['manifest.json', 'S.assets.json', 'cdk.out']) expect(read(dir, f).version).toBe(Number(written.split('.')[0]) > 53 ? '53.0.0' : written);
  expect(fs.readFileSync(path.join(dir, 'S.template.json'), 'utf8')).toBe(template);
});

test('does nothing when integ-runner reads the written version', () => {
  const dir = synthesized();
  const written = read(dir, 'manifest.json').version as string;
  expect(bridgeAssembly(dir, Number(written.split('.')[0]))).toEqual([]);
  expect(bridgeAssembly(dir, undefined)).toEqual([]);
  expect(read(dir, 'manifest.json').version).toBe(written);
});

test('refuses an assembly with an artifact type that the older schema lacks', () => {
  const dir = synthesized();
  const manifest = read(dir, 'manifest.json');
  manifest.version = '99.0.0';
  manifest.artifacts.future = { type: 'cdk:something-new' };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  expect(() => bridgeAssembly(dir, 53)).toThrow(/future \(cdk:something-new\).*Upgrade @aws-cdk\/integ-runner/);
});
