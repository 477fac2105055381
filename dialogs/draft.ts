/** What the user has told the Create Content dialog so far. It lives in dialog state, so it survives restarts. */
import type { ContentType } from '../services/confluence/types.js';
import type { FormErrors, FormValues } from './cards.js';
import type { SpaceDraft } from './spaceDraft.js';

export interface ContentDraft extends SpaceDraft {
  type?: ContentType;
  title?: string;
  /** A title named in the utterance ("… called Release notes"), validated like a typed one before it is used. */
  proposedTitle?: string;
  /** Markdown; '' when the user skipped the body. */
  body?: string;
  /** The user already said "Create": after a sign-in or a retry, go straight to creating. */
  confirmed?: boolean;
  /** The user asked to change something: show the change menu instead of the confirmation. */
  changeRequested?: boolean;
  /** A submitted form that had problems: the space question sends it back, marked, once. */
  returnedForm?: { values: FormValues; errors: FormErrors };
  /** The form this draft was submitted with: once its content is created, the same form is not created again. */
  formId?: string;
  /** The form was offered in this flow, so the body question can point to its multi-line Content box. */
  formShown?: boolean;
}

export type DraftField = 'site' | 'space' | 'type' | 'title' | 'body';

/** Clears a field and whatever depends on it (a title is only known to be free in one space and type). */
export function withoutField(draft: ContentDraft, field: DraftField): ContentDraft {
  const next: ContentDraft = { ...draft, confirmed: false, changeRequested: false };
  switch (field) {
    case 'site':
      return { ...next, site: undefined, space: undefined, title: undefined };
    case 'space':
      return { ...next, space: undefined, title: undefined };
    case 'type':
      return { ...next, type: undefined, title: undefined };
    case 'title':
      return { ...next, title: undefined };
    case 'body':
      return { ...next, body: undefined };
  }
}

export function typeLabel(type: ContentType): string {
  return type === 'page' ? 'page' : 'blog post';
}
