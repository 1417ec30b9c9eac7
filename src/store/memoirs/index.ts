/** ICM's memoirs (knowledge graphs) over libSQL: the store's public surface for them. */
export { MemoirStore, MAX_DEPTH, MAX_SEARCH_LIMIT } from './store';
export type { ConceptPatch, DistillResult, ExtractResult, LinkOptions, Neighborhood, NewConcept } from './store';
export {
  RELATIONS,
  MAX_NAME_BYTES,
  MAX_TEXT_BYTES,
  formatLabel,
  parseLabel,
  parseRelation,
  type Concept,
  type ConceptLink,
  type Label,
  type Memoir,
  type MemoirStats,
  type MemoirSummary,
  type Relation,
} from './model';
export { renderExport, type ExportFormat } from './export';
export { detectPatterns, type PatternCluster, type TopicMemory, type TopicMemoryReader } from './patterns';
export { learnPlan, type ConceptKind, type LearnPlan, type LearnResult } from './learn';
export { ensureMemoirSchema, MEMOIR_OBJECTS } from './schema';
