/**
 * Small pledge decisions, pure and Nest-free: the texts the backer and the provider see.
 */

/** Why a charge failed, as stored on the pledge: the provider's message and its decline code. */
export function failureReason(message: string, declineCode: string): string {
  return `${message} (${declineCode})`;
}

/** The description of a pledge's charge, on the backer's statement and in the provider's dashboard. */
export function chargeDescription(campaign: { id: string; title: string }): string {
  return `Pledge to "${campaign.title}" (${campaign.id})`;
}
