/**
 * @coffer/protocol: the envelope format, crypto primitives, key hierarchy and
 * wire schemas of Coffer. Pure: no I/O, runs in Node and browsers.
 */

export * from './bytes.ts';
export * from './errors.ts';
export * from './version.ts';
