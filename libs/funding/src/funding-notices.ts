/**
 * What funding's facts tell whom (community delivers them: CommunityFacade.notify). Pure: the
 * listener in FundingCommunity reads the campaign and pledge it needs in the fact's transaction.
 */
import type { NotificationNotice } from '@foule/community';
import type { FundingEvent } from './funding-events';

/** Who backed a campaign and may read its backers-only updates: live pledges. */
export const CAMPAIGN_BACKERS = 'funding.campaignBackers';
/** Who follows a campaign ("notify me", from its prelaunch page on). */
export const CAMPAIGN_FOLLOWERS = 'funding.campaignFollowers';
/** Who backed a campaign when it ended: live pledges, and those its failure canceled. */
export const CAMPAIGN_BACKERS_AT_END = 'funding.campaignBackersAtEnd';

export interface NoticeContext {
  campaignTitle: string;
  creatorId: string;
  /** Failed payments so far (the attempt number of the failure being told). */
  failedAttempts: number;
  /** The last moment a failed payment can be fixed (the retry window's end, or a lower bound of it while it has not opened). */
  retryUntil: Date;
  /** formatMoney of @foule/shared, passed in so that this file loads without Nest (unit tests). */
  formatMoney: (money: { amount: number; currency: string }) => string;
}

/** Whether a fact tells anyone, so the listener reads nothing for those that do not (each pledge a settlement collects). */
export function tellsAnyone(event: FundingEvent): boolean {
  return event.type !== 'funding.pledge.collected' && !(event.type === 'funding.campaign.ended' && event.status === 'CANCELED');
}

export function noticeFor(event: FundingEvent, context: NoticeContext): NotificationNotice | null {
  const title = `"${context.campaignTitle}"`;
  switch (event.type) {
    case 'funding.pledge.created':
      return {
        key: `${event.type}:${event.pledgeId}`,
        kind: 'PLEDGE_RECEIVED',
        message: `New pledge of ${context.formatMoney(event)} to ${title}`,
        subjectId: event.pledgeId,
        relatedIds: [event.campaignId],
        recipients: [context.creatorId],
      };
    case 'funding.pledge.payment_failed':
      return {
        key: `${event.type}:${event.pledgeId}:${context.failedAttempts}`,
        kind: 'PAYMENT_FAILED',
        message:
          `Your payment for ${title} failed: ${event.reason}. ` +
          `Fix it with retryPledgePayment(id: "${event.pledgeId}", paymentMethodId: ...) and a working card ` +
          `before ${context.retryUntil.toISOString()}, or the pledge is dropped.`,
        deadline: context.retryUntil.toISOString(),
        subjectId: event.pledgeId,
        relatedIds: [event.campaignId],
        recipients: [event.backerId],
      };
    case 'funding.pledge.dropped':
      return {
        key: `${event.type}:${event.pledgeId}`,
        kind: 'PLEDGE_DROPPED',
        message: event.kept
          ? `Your pledge to ${title} was dropped: a later payment was not fixed before its retry window closed. Nothing more will be charged; the ${context.formatMoney(event.kept)} already paid stays with the campaign, and the reward is released.`
          : `Your pledge to ${title} was dropped: its payment was not fixed before the retry window closed. You were not charged.`,
        subjectId: event.pledgeId,
        relatedIds: [event.campaignId],
        recipients: [event.backerId],
      };
    case 'funding.pledge.increment_failed':
      return {
        key: `${event.type}:${event.pledgeId}:${event.number}:${event.attempt}`,
        kind: 'INCREMENT_FAILED',
        message:
          `Payment ${event.number} of your pledge to ${title} failed: ${event.reason}. ` +
          `Fix it with retryPledgePayment(id: "${event.pledgeId}", paymentMethodId: ...) and a working card ` +
          `before ${event.retryUntil.toISOString()}, or the pledge is dropped (what you already paid is kept).`,
        subjectId: event.pledgeId,
        relatedIds: [event.campaignId],
        recipients: [event.backerId],
      };
    case 'funding.campaign.launched':
      return {
        key: `${event.type}:${event.campaignId}`,
        kind: 'CAMPAIGN_LAUNCHED',
        message: `${title}, which you follow, is live: back it now`,
        subjectId: event.campaignId,
        audiences: [{ name: CAMPAIGN_FOLLOWERS, id: event.campaignId }],
        except: [event.creatorId],
      };
    case 'funding.collaborator.added':
      return {
        // Added, removed and added again is told again: each addition is its own fact.
        key: `${event.type}:${event.campaignId}:${event.profileId}:${event.addedAt.getTime()}`,
        kind: 'COLLABORATOR_ADDED',
        message: `You were added to ${title} as a collaborator (${event.role})`,
        subjectId: event.campaignId,
        recipients: [event.profileId],
      };
    case 'funding.campaign.ended':
      if (event.status === 'CANCELED') return null;
      return {
        key: `${event.type}:${event.campaignId}`,
        kind: event.status === 'SUCCESSFUL' ? 'CAMPAIGN_SUCCEEDED' : 'CAMPAIGN_FAILED',
        message:
          event.status === 'SUCCESSFUL'
            ? `${title} reached its goal: pledges are being collected`
            : `${title} did not reach its goal: nobody is charged and every pledge is canceled`,
        subjectId: event.campaignId,
        recipients: [event.creatorId],
        audiences: [{ name: CAMPAIGN_BACKERS_AT_END, id: event.campaignId }],
      };
    case 'funding.update.posted':
      return {
        key: `${event.type}:${event.updateId}`,
        kind: 'UPDATE_POSTED',
        message: `${title} posted an update${event.backersOnly ? ' for backers' : ''}: ${event.title}`,
        subjectId: event.updateId,
        relatedIds: [event.campaignId],
        audiences: [
          { name: CAMPAIGN_BACKERS, id: event.campaignId },
          // A public update also reaches the creator's and the campaign's followers; a backers-only one only those who may read it.
          ...(event.backersOnly
            ? []
            : [
                { name: 'community.followers', id: context.creatorId },
                { name: CAMPAIGN_FOLLOWERS, id: event.campaignId },
              ]),
        ],
        except: [event.authorId],
      };
    case 'funding.pledge.collected':
    case 'funding.pledge.withdrawn':
      return null;
  }
}
