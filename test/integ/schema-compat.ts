// Runs an integ test app for integ-runner, bridging a cloud assembly schema gap.
//
// integ-runner 2.197.10 (the newest release) reads cloud assembly schema 53; aws-cdk-lib 2.276.0
// writes schema 55 ("AssemblyVersionMismatch ... You need at least CLI version 2.1148.2"). This
// app's assembly uses only artifact types that schema 53 already has, so after the app has
// synthesized, the manifest's version is lowered to what the installed integ-runner reads. Any
// other artifact type fails the run instead. Once integ-runner reads the app's schema, this
// does nothing; then `--app` can be dropped from the integ task.
//
// Usage (integ-runner runs it from the directory it was started in):
//   integ-runner --language typescript --app "node -r ts-node/register test/integ/schema-compat.ts {filePath}"
import * as fs from 'fs';
import * as path from 'path';

/** Artifact types that cloud assembly schema 53 defines. */
const SCHEMA_53_ARTIFACT_TYPES = new Set(['none', 'aws:cloudformation:stack', 'cdk:asset-manifest', 'cdk:tree', 'cdk:cloud-assembly', 'cdk:feature-flag-report']);

/** The highest cloud assembly schema major version the installed integ-runner reads, if it can be found. */
export function integRunnerSchemaVersion(): number | undefined {
  const bundle = path.join(path.dirname(require.resolve('@aws-cdk/integ-runner/package.json')), 'lib', 'workers', 'extract', 'index.js');
  if (!fs.existsSync(bundle)) return undefined;
  const match = /cloud-assembly-schema\/schema\/version\.json[\s\S]{0,500}?revision:\s*(\d+)/.exec(fs.readFileSync(bundle, 'utf8'));
  return match ? Number(match[1]) : undefined;
}

/**
 * Lowers the schema version of the files integ-runner reads (manifest.json, integ.json, the asset
 * manifests, cdk.out) to `readable`, when they are newer and hold nothing the older schema lacks.
 */
export function bridgeAssembly(outdir: string, readable: number | undefined): string[] {
  const files = ['manifest.json', 'integ.json', 'cdk.out', ...fs.readdirSync(outdir).filter((f) => f.endsWith('.assets.json'))];
  const bridged: string[] = [];
  for (const name of files) {
    const file = path.join(outdir, name);
    if (!fs.existsSync(file)) continue;
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string; artifacts?: Record<string, { type: string }>; [key: string]: unknown };
    const written = Number(doc.version.split('.')[0]);
    if (readable === undefined || written <= readable) continue;
    const unknown =
      name === 'manifest.json'
        ? Object.entries(doc.artifacts ?? {}).filter(([, a]) => !SCHEMA_53_ARTIFACT_TYPES.has(a.type)).map(([id, a]) => `${id} (${a.type})`)
        : name.endsWith('.assets.json')
          ? Object.keys(doc).filter((k) => !['version', 'files', 'dockerImages'].includes(k))
          : [];
    if (readable < 53 || unknown.length > 0) {
      throw new Error(
        `integ-runner reads cloud assembly schema ${readable}, the app wrote ${doc.version} to ${name}` +
          (unknown.length > 0 ? `, with entries that schema lacks: ${unknown.join(', ')}` : '') +
          '. Upgrade @aws-cdk/integ-runner.',
      );
    }
    doc.version = `${readable}.0.0`;
    fs.writeFileSync(file, JSON.stringify(doc, undefined, 2));
    bridged.push(name);
  }
  return bridged;
}

if (require.main === module) {
  const [app] = process.argv.slice(2);
  if (!app) throw new Error('usage: node -r ts-node/register schema-compat.ts <integ test file>');
  const outdir = process.env.CDK_OUTDIR;
  if (!outdir) throw new Error('CDK_OUTDIR is not set: run this through integ-runner or the CDK CLI');
  // The integ test synthesizes into CDK_OUTDIR when it is loaded (it ends with app.synth()).
  // A require, not an import(): ts-node compiles the .ts test file only through the CommonJS loader.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.resolve(app));
  bridgeAssembly(outdir, integRunnerSchemaVersion());
}
