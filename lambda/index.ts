import { createHandlers } from './handler';
import { loadManifestFromS3 } from './s3-manifest';
import { dsqlConnector } from '../connectors/dsql';
import { envSigner } from '../connectors/env-signer';
import { budgetFromEnvironment } from '../src/resource-contract';

const handlers = createHandlers({
  dialect: 'dsql',
  // Lambda puts the role's credentials in the environment: no SDK credential chain in the bundle.
  connect: (props) => dsqlConnector({ endpoint: props.ClusterEndpoint, region: props.Region }, envSigner),
  loadMigrations: (props) => loadManifestFromS3(props.MigrationsBucket, props.MigrationsKey),
  // Set by the construct from handlerTimeout.
  invocationBudgetMs: budgetFromEnvironment(process.env),
});

/** The Provider framework's onEvent handler. */
export const onEvent = handlers.onEvent;
/** The Provider framework's isComplete handler. */
export const isComplete = handlers.isComplete;
