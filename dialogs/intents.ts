/** What a free-text message asks for, when no dialog is running. */
export type Intent = 'create-content' | 'help' | 'cancel' | 'greeting' | 'unknown';

const CREATE = /\b(create|new|add|write|make|start|post)\b.*\b(content|page|blog ?post|blog|article)\b/i;

export function recognizeIntent(text: string | undefined): Intent {
  const said = (text ?? '').trim().toLowerCase();
  if (said === '') return 'unknown';
  if (/^(help|\?|what can you do\??)$/.test(said)) return 'help';
  if (/^(cancel|stop|quit)$/.test(said)) return 'cancel';
  if (/^(hi|hello|hey)\b/.test(said)) return 'greeting';
  if (CREATE.test(said) || /^(new )?(page|blog ?post)$/.test(said)) return 'create-content';
  return 'unknown';
}

/** "create a blog post" starts with the type already chosen. */
export function typeFromUtterance(text: string | undefined): 'page' | 'blogpost' | undefined {
  const said = (text ?? '').toLowerCase();
  if (/\bblog\b/.test(said)) return 'blogpost';
  if (/\bpage\b/.test(said)) return 'page';
  return undefined;
}
