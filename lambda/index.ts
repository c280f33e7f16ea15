import { dsqlConnector } from './dsql-connection';
import { createHandlers } from './handler';
import { loadManifestFromS3 } from './s3-manifest';

const handlers = createHandlers({
  dialect: 'dsql',
  connect: (props) => dsqlConnector({ endpoint: props.ClusterEndpoint, region: props.Region }),
  loadMigrations: (props) => loadManifestFromS3(props.MigrationsBucket, props.MigrationsKey),
});

/** The Provider framework's onEvent handler. */
export const onEvent = handlers.onEvent;
/** The Provider framework's isComplete handler. */
export const isComplete = handlers.isComplete;
