/** What every Confluence conversation decides first: where (site and space). */
import type { ConfluenceSite, Space } from '../services/confluence/types.js';

export interface SpaceDraft {
  site?: ConfluenceSite;
  space?: Space;
  /** A space named in the utterance ("… in ENG"), checked like a typed answer before anything is asked. */
  proposedSpace?: string;
  /** Why the space the user named is not one: said in the same message as the next space question, not before it. */
  spaceProblem?: string;
  /** "switch site": ask for the site even when a preference exists. */
  chooseSite?: boolean;
}
