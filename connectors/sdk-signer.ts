import { DsqlSigner } from '@aws-sdk/dsql-signer';
import { SignerFactory } from './dsql';

/**
 * Signs with the SDK's default credential chain (environment, profiles, SSO, container and instance
 * roles), which CLI and API users rely on.
 */
export const sdkSigner: SignerFactory = ({ hostname, region }) => new DsqlSigner({ hostname, region });
