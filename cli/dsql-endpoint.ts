/**
 * The region of a DSQL cluster: an IAM token must be signed for the cluster's region, which its
 * endpoint `<cluster-id>.dsql.<region>.on.aws` names. An explicit region wins, then the endpoint's,
 * then the environment's.
 */
export function dsqlRegion(endpoint: string, explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return explicit ?? /\.dsql\.([a-z0-9-]+)\.on\.aws$/i.exec(endpoint)?.[1] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}
