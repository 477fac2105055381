/** The one check of a profile test report with this name (throws naming the checks there are when it is missing). */
import type { ProfileCheckReport } from '../../../admin/profileCheck.js';

export function result(report: ProfileCheckReport, name: string): ProfileCheckReport['results'][number] {
  const found = report.results.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no "${name}" check in ${report.results.map((entry) => `${entry.name}: ${entry.status}`).join(', ')}`);
  return found;
}
