/** Wire protocol version 1: one zod schema per shape on the wire (server, SDK, mocks, OpenAPI). */
export * from './account-events.ts';
export * from './accounts.ts';
export * from './api-error.ts';
export * from './blobs.ts';
export * from './byte-range.ts';
export * from './common.ts';
export * from './lazy-schema.ts';
export * from './limits.ts';
export * from './login-message.ts';
export * from './meta.ts';
export * from './openapi.ts';
export * from './problem.ts';
export * from './pull-page-binary.ts';
export * from './records.ts';
export * from './routes.ts';
export * from './vaults.ts';
