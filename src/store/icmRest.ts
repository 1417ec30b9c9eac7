/**
 * The rest of ICM's store over one connection: transcripts, code areas, feedback and facts. Each
 * creates its tables (ICM's DDL) on first use, so a façade can hold them without a migration step.
 */
import { CodeAreaStore } from './codeAreas';
import { FactsStore } from './facts';
import { FeedbackStore } from './feedback';
import type { IcmConn } from './icmTables';
import { TranscriptStore } from './transcripts';

export interface IcmRestStores {
  transcripts: TranscriptStore;
  codeAreas: CodeAreaStore;
  feedback: FeedbackStore;
  facts: FactsStore;
}

export function icmRestStores(conn: IcmConn): IcmRestStores {
  return {
    transcripts: new TranscriptStore(conn),
    codeAreas: new CodeAreaStore(conn),
    feedback: new FeedbackStore(conn),
    facts: new FactsStore(conn),
  };
}
