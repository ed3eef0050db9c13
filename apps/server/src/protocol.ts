/**
 * The server's one door to @coffer/protocol (wire schemas, envelope header
 * reader, Ed25519, versions), bundled from source by tsup.
 */
export * from '@coffer/protocol';
