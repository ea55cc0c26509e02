/**
 * Runtime access to @temporalio/proto. The package is CommonJS generated code whose named exports
 * Node's ESM loader cannot detect, so it is required; types come from the package as usual.
 */
import { createRequire } from 'node:module';
import type * as P from '@temporalio/proto';

export const proto: typeof P = createRequire(import.meta.url)('@temporalio/proto');
