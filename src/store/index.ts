export * from './errors';
export * from './config';
export * from './model';
export * from './store';
export { buildFtsQuery, queryTerms } from './fts';
export { fuse, type Fusion } from './hybrid';
export { embedText, VectorIndex } from './vectors';
export type { Conn, Row, SqlArg } from './conn';
export * from './memoirs';
