/** What a person reads and can press on a card: texts, button titles, and the URLs of open-URL buttons. */
export interface CardReading {
  texts: string[];
  buttons: string[];
  urls: string[];
}

interface CardNode {
  type?: string;
  text?: string;
  title?: string;
  url?: string;
  value?: string;
  body?: CardNode[];
  items?: CardNode[];
  columns?: CardNode[];
  actions?: CardNode[];
  buttons?: CardNode[];
  inlines?: CardNode[];
}

export function readCard(content: unknown): CardReading {
  const reading: CardReading = { texts: [], buttons: [], urls: [] };
  const visit = (node: CardNode | undefined): void => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'TextBlock' && node.text) reading.texts.push(node.text);
    // A RichTextBlock reads as one line: its TextRuns joined.
    if (node.type === 'RichTextBlock' && Array.isArray(node.inlines)) reading.texts.push(node.inlines.map((run) => run.text ?? '').join(''));
    if (node.type?.startsWith('Action.') || node.type === 'openUrl' || node.type === 'signin' || node.type === 'imBack') {
      if (node.title) reading.buttons.push(node.title);
      const url = node.url ?? (node.type === 'openUrl' || node.type === 'signin' ? node.value : undefined);
      if (url) reading.urls.push(url);
    }
    if (node.text && node.type === undefined) reading.texts.push(node.text);
    for (const child of [...(node.body ?? []), ...(node.items ?? []), ...(node.columns ?? []), ...(node.actions ?? []), ...(node.buttons ?? [])]) visit(child);
  };
  visit(content as CardNode);
  return reading;
}
