export * from './errors';
export * from './config';
export * from './model';
export * from './store';
export { buildFtsQuery, queryTerms } from './fts';
export type { Conn, Row, SqlArg } from './conn';
