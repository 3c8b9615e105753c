/** Why sales rejects a lead, in words (the reason codes are engine/types.ts REJECT_REASONS). */
import type { RejectReason } from '../../../engine/types';

export const REJECT_REASON_LABELS: Record<RejectReason, string> = {
  no_budget: 'No budget',
  no_authority: 'Not the decision maker',
  no_need: 'No need',
  bad_timing: 'Bad timing',
  bad_data: 'Wrong or fake contact data',
  competitor: 'Works with a competitor',
  spam: 'Spam',
  other: 'Other',
};
