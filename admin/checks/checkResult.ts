/** One line of `npm run admin -- test`: what was checked, how it went, and what to do about it. */
export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  /** Short and fixed ("Authorization URL"), so a person scanning the output finds the same line every time. */
  name: string;
  status: CheckStatus;
  /** What was found, in one sentence; never a secret, a code or the state. */
  summary: string;
  /** What to do next, when there is something to do. */
  next?: string;
}

export const passed = (name: string, summary: string, next?: string): CheckResult => ({ name, status: 'passed', summary, next });
export const failed = (name: string, summary: string, next?: string): CheckResult => ({ name, status: 'failed', summary, next });
export const skipped = (name: string, summary: string, next?: string): CheckResult => ({ name, status: 'skipped', summary, next });
