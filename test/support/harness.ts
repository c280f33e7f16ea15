import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CdkCustomResourceEvent, CdkCustomResourceIsCompleteEvent } from 'aws-lambda';
import { postgresConnector } from '../../connectors';
import { ExampleStack, ExampleStackProps } from '../../examples/app';
import { createHandlers, HandlerDeps } from '../../lambda/handler';
import { readManifest } from '../../src/engine/manifest';
import { MigrationsResourceProperties, physicalResourceId, RESOURCE_TYPE } from '../../src/resource-contract';

/** A synthesized example stack: its template, its cloud assembly folder and the custom resource's properties. */
export interface SynthesizedStack {
  readonly stack: Stack;
  readonly template: Template;
  readonly outdir: string;
  readonly properties: MigrationsResourceProperties;
}

/**
 * Synthesizes the example app with the given migrations folder (and migration options), and
 * returns what CloudFormation would send the handler: every property of the template, with the
 * values known only at deploy time (endpoint, region, bucket) filled in.
 */
export function synthExample(migrationsPath: string, outdir: string, migrations?: ExampleStackProps['migrations']): SynthesizedStack {
  return synthStack(outdir, (app) => new ExampleStack(app, 'DsqlMigrationsExample', { migrationsPath, migrations, env: { account: '123456789012', region: 'us-east-1' } }));
}

/** The same for any stack with one migrations custom resource, built by `build` in an app writing to `outdir`. */
export function synthStack<S extends Stack>(outdir: string, build: (app: App) => S): SynthesizedStack & { readonly stack: S } {
  const app = new App({ outdir });
  const stack = build(app);
  app.synth();
  const template = Template.fromStack(stack);
  const [resource] = Object.values(template.findResources(RESOURCE_TYPE)) as Array<{ Properties: Record<string, unknown> }>;
  const fromTemplate = { ...resource.Properties };
  // A token here; cfnEvent adds the one the framework sends.
  delete fromTemplate.ServiceToken;
  // A role's ARN is an Fn::GetAtt in the template; CloudFormation sends the ARN of the role it created.
  if (Array.isArray(fromTemplate.RoleMappings)) {
    fromTemplate.RoleMappings = fromTemplate.RoleMappings.map((m: { PrincipalArn: unknown }) => ({
      ...m,
      PrincipalArn: typeof m.PrincipalArn === 'string' ? m.PrincipalArn : `arn:aws:iam::123456789012:role/${(m.PrincipalArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]}`,
    }));
  }
  return {
    stack,
    template,
    outdir,
    properties: {
      ...(fromTemplate as unknown as MigrationsResourceProperties),
      ClusterEndpoint: 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws',
      Region: 'us-east-1',
      MigrationsBucket: 'cdk-hnb659fds-assets-123456789012-us-east-1',
    },
  };
}

/**
 * The real handlers, connected to PostgreSQL. Only the seams differ from production: the
 * connection factory, and reading the migrations asset from the cloud assembly instead of S3.
 */
export function localHandlers(databaseUrl: string, outdir: string, log?: (e: unknown) => void, deps: Partial<HandlerDeps> = {}) {
  return createHandlers({
    dialect: 'postgresql',
    connect: () => postgresConnector(databaseUrl),
    loadMigrations: async (props) => readManifest(fs.readFileSync(path.join(outdir, `asset.${props.MigrationsKey}`), 'utf8')),
    log: log ?? (() => undefined),
    // The test suite holds PostgreSQL to DSQL's transaction rules.
    runOptions: { strict: true },
    ...deps,
  });
}

let requestCounter = 0;

/** A CloudFormation custom resource request, as the Provider framework hands it to onEvent. */
export function cfnEvent(
  requestType: 'Create' | 'Update' | 'Delete',
  properties: MigrationsResourceProperties,
  extra: { physicalResourceId?: string; oldProperties?: MigrationsResourceProperties } = {},
): CdkCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:DsqlMigrationsProvider-framework-onEvent',
    ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/response',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/DsqlMigrationsExample/1b2c3d4e',
    RequestId: `request-${++requestCounter}`,
    LogicalResourceId: 'DbMigrations7A4E6F2B',
    ResourceType: RESOURCE_TYPE,
    ResourceProperties: { ServiceToken: 'token', ...properties },
  };
  if (requestType === 'Create') return { ...base, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: extra.physicalResourceId ?? physicalResourceId(properties.ClusterEndpoint),
      OldResourceProperties: { ServiceToken: 'token', ...(extra.oldProperties ?? properties) },
    };
  }
  return { ...base, RequestType: 'Delete', PhysicalResourceId: extra.physicalResourceId ?? physicalResourceId(properties.ClusterEndpoint) };
}

/** The isComplete request the Provider framework makes after onEvent returned `response`. */
export function isCompleteEvent(
  event: CdkCustomResourceEvent,
  response: { PhysicalResourceId?: string; Data?: Record<string, unknown> },
): CdkCustomResourceIsCompleteEvent {
  return { ...event, PhysicalResourceId: response.PhysicalResourceId ?? '', Data: response.Data ?? {} } as CdkCustomResourceIsCompleteEvent;
}

/** A fresh folder under the system temp directory. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}
