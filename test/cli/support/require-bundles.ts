import { requireBundles } from './cli';

// Imported first by test files that load the API bundle at import time.
requireBundles();
