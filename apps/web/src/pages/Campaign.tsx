/**
 * A campaign: its figures (live through `campaignProgress`), reward tiers with what remains,
 * stretch goals, updates (backers-only ones locked for others), comments, and the viewer's
 * pledge: make one with a sandbox card, change or cancel it, fix a failed payment.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { shownError } from '../errors';
import {
  WebAddCommentDocument,
  WebCampaignDocument,
  WebCampaignProgressDocument,
  WebCancelPledgeDocument,
  WebFollowCampaignDocument,
  WebUnfollowCampaignDocument,
  WebCommentsDocument,
  WebPledgeDocument,
  WebRetryPledgePaymentDocument,
  WebRevealSecretRewardsDocument,
  WebUpdatePledgeDocument,
  type CampaignFiguresFragment,
  type ViewerPledgeFragment,
} from '../graphql';
import { toMajor, toMinor } from '../money';
import { overTimeAllowed, takesPledges } from '../pledge-plan';
import { Link, useLocation } from '../router';
import { getSession } from '../session';
import { Countdown, ErrorNote, Field, Loading, Status, newKey } from '../ui';
import { Meter } from './Discover';

/** The sandbox's test cards (see RUNTIME.md): what each does at the deadline. */
export const CARDS = [
  { id: 'pm_card_visa', label: 'Visa 4242: succeeds' },
  { id: 'pm_card_chargeCustomerFail', label: 'Saved, then declined when charged at the deadline' },
  { id: 'pm_card_chargeDeclined', label: 'Declined at once' },
] as const;

export function CampaignPage({ id }: { id: string }) {
  const { query } = useLocation();
  const [{ data, fetching, error }] = useQuery({ query: WebCampaignDocument, variables: { id } });
  // Live figures: each event is a Campaign the normalized cache merges into the page.
  useSubscription({ query: WebCampaignProgressDocument, variables: { campaignId: id }, pause: !data?.campaign });
  const [reveal, revealSecret] = useMutation(WebRevealSecretRewardsDocument);
  const secret = query.get('secret');
  useEffect(() => {
    if (secret && data?.campaign && getSession()) void revealSecret({ campaignId: id, token: secret });
  }, [secret, id, Boolean(data?.campaign)]);

  if (fetching && !data) return <Loading />;
  if (error) return <ErrorNote error={shownError(error)} />;
  const campaign = data?.campaign;
  if (!campaign)
    return (
      <section>
        <h1>Campaign not found</h1>
        <Link to="/">Discover others</Link>
      </section>
    );
  return (
    <article className="campaign">
      <header>
        <p className="meta">
          <Status value={campaign.status} /> {campaign.category} · by <Link to={`/profiles/${campaign.creator.handle}`}>{campaign.creator.displayName}</Link> ·{' '}
          {campaign.fundingModel === 'ALL_OR_NOTHING' ? 'all or nothing' : 'flexible funding'}
        </p>
        <h1>{campaign.title}</h1>
        <p className="lead">{campaign.blurb}</p>
      </header>
      <div className="columns">
        <div>
          <Figures campaign={campaign} deadline={campaign.deadline} />
          <section aria-labelledby="story">
            <h2 id="story">Story</h2>
            <p className="prose">{campaign.description}</p>
          </section>
          <StretchGoals goals={campaign.stretchGoals} />
          <section aria-labelledby="updates">
            <h2 id="updates">Updates ({campaign.updates.totalCount})</h2>
            {campaign.updates.edges.length === 0 && <p>No update yet.</p>}
            {campaign.updates.edges.map(({ node }) => (
              <article key={node.id} className="update">
                <h3>
                  {node.title} {node.backersOnly && <span className="tag">backers only</span>}
                </h3>
                <p className="meta">{new Date(node.publishedAt).toLocaleDateString()}</p>
                {node.body === null || node.body === undefined ? <p className="locked">For backers only: back this campaign to read it.</p> : <p className="prose">{node.body}</p>}
              </article>
            ))}
          </section>
          <Comments campaignId={campaign.id} />
        </div>
        <aside>
          {campaign.viewerPledge && campaign.viewerPledge.status !== 'CANCELED' ? (
            <YourPledge pledge={campaign.viewerPledge} campaign={campaign} />
          ) : takesPledges(campaign) ? (
            <PledgeForm campaign={campaign} />
          ) : campaign.status === 'DRAFT' && campaign.prelaunchAt ? (
            <NotifyMe campaign={campaign} />
          ) : (
            <p>This campaign takes no pledge now.</p>
          )}
          <ErrorNote error={shownError(reveal.error)} />
          {campaign.secretRewardToken && (
            <p className="meta">
              Secret rewards link, to share with whom you choose:{' '}
              <code>
                {location.origin}/campaigns/{campaign.id}?secret={campaign.secretRewardToken}
              </code>
            </p>
          )}
          <Tiers campaign={campaign} />
        </aside>
      </div>
    </article>
  );
}

function Figures({ campaign, deadline }: { campaign: CampaignFiguresFragment; deadline: string }) {
  return (
    <section className="figures" aria-label="Funding" aria-live="polite">
      <Meter percent={campaign.percentFunded} />
      <dl>
        <div>
          <dt>Pledged</dt>
          <dd data-testid="pledged">{campaign.pledged.formatted}</dd>
        </div>
        <div>
          <dt>Goal</dt>
          <dd>{campaign.goal.formatted}</dd>
        </div>
        <div>
          <dt>Collected</dt>
          <dd>{campaign.collected.formatted}</dd>
        </div>
        <div>
          <dt>Backers</dt>
          <dd data-testid="backers">{campaign.backersCount}</dd>
        </div>
        <div>
          <dt>Deadline</dt>
          <dd>{campaign.status === 'LIVE' ? <Countdown to={deadline} /> : new Date(deadline).toLocaleDateString()}</dd>
        </div>
      </dl>
    </section>
  );
}

function StretchGoals({ goals }: { goals: CampaignFiguresFragment['stretchGoals'] }) {
  if (goals.length === 0) return null;
  return (
    <section aria-labelledby="stretch">
      <h2 id="stretch">Stretch goals</h2>
      <ul className="plain">
        {goals.map((goal) => (
          <li key={goal.id} className={goal.reached ? 'reached' : undefined}>
            <strong>{goal.target.formatted}</strong>: {goal.title} {goal.reached ? '(reached)' : ''}
            <br />
            <span className="meta">{goal.description}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Tiers({ campaign }: { campaign: CampaignFiguresFragment }) {
  return (
    <section aria-labelledby="tiers">
      <h2 id="tiers">Rewards</h2>
      <ul className="plain">
        {campaign.rewardTiers.map((tier) => (
          <li key={tier.id} className="tier">
            <strong>
              {tier.title} · {tier.minimum.formatted}
            </strong>
            {tier.secret && <span className="tag">secret</span>}
            <br />
            {tier.description}
            <br />
            <span className="meta">
              {tier.remaining === null || tier.remaining === undefined ? 'unlimited' : `${tier.remaining} of ${tier.limit} left`} · {tier.backersCount} backers
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function CardChoice({ value, onChange, name }: { value: string; onChange: (card: string) => void; name: string }) {
  return (
    <fieldset className="cards-choice">
      <legend>Test card (sandbox)</legend>
      {CARDS.map((card) => (
        <label key={card.id}>
          <input type="radio" name={name} value={card.id} checked={value === card.id} onChange={() => onChange(card.id)} /> <code>{card.id}</code> {card.label}
        </label>
      ))}
    </fieldset>
  );
}

/** Add-ons offered with the chosen tier: quantities by add-on id. */
function AddOnChoice({
  campaign,
  tierId,
  quantities,
  onChange,
}: {
  campaign: CampaignFiguresFragment;
  tierId: string;
  quantities: Record<string, number>;
  onChange: (quantities: Record<string, number>) => void;
}) {
  const offered = campaign.addOns.filter((addOn) => addOn.tierIds.length === 0 || (tierId && addOn.tierIds.includes(tierId)));
  if (offered.length === 0) return null;
  return (
    <fieldset>
      <legend>Add-ons</legend>
      {offered.map((addOn) => (
        <label key={addOn.id} className="addon">
          <input
            type="number"
            min={0}
            max={Math.min(addOn.maxPerPledge, addOn.remaining ?? addOn.maxPerPledge)}
            value={quantities[addOn.id] ?? 0}
            onChange={(event) => onChange({ ...quantities, [addOn.id]: Math.max(0, Number(event.target.value) || 0) })}
          />{' '}
          {addOn.title} · {addOn.price.formatted} each{addOn.remaining !== null && addOn.remaining !== undefined ? ` (${addOn.remaining} left)` : ''}
        </label>
      ))}
    </fieldset>
  );
}

const addOnInput = (quantities: Record<string, number>) =>
  Object.entries(quantities)
    .filter(([, quantity]) => quantity > 0)
    .map(([addOnId, quantity]) => ({ addOnId, quantity }));

const addOnTotal = (campaign: CampaignFiguresFragment, quantities: Record<string, number>) =>
  campaign.addOns.reduce((sum, addOn) => sum + addOn.price.amount * (quantities[addOn.id] ?? 0), 0);

function PledgeForm({ campaign }: { campaign: CampaignFiguresFragment }) {
  const currency = campaign.goal.currency;
  const [tierId, setTierId] = useState('');
  const [amount, setAmount] = useState('');
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [card, setCard] = useState<string>(CARDS[0].id);
  const [overTime, setOverTime] = useState(false);
  const [result, pledge] = useMutation(WebPledgeDocument);
  // One idempotency key per attempt: a double click (or a retry of a lost reply) sends the same
  // key and makes one pledge; a new key only once the api has answered this attempt.
  const attemptKey = useRef(newKey());
  const [localError, setLocalError] = useState<string | null>(null);
  const error = shownError(result.error);

  if (!getSession())
    return (
      <section className="pledge">
        <h2>Back this campaign</h2>
        <p>
          <Link to={`/sign-in?next=${encodeURIComponent(location.pathname)}`}>Sign in</Link> or <Link to={`/sign-up?next=${encodeURIComponent(location.pathname)}`}>sign up</Link> to
          pledge.
        </p>
      </section>
    );

  const chooseTier = (id: string) => {
    setTierId(id);
    const tier = campaign.rewardTiers.find((candidate) => candidate.id === id);
    if (tier) setAmount(toMajor(tier.minimum.amount + addOnTotal(campaign, quantities), currency));
  };
  const chooseAddOns = (next: Record<string, number>) => {
    const before = addOnTotal(campaign, quantities);
    setQuantities(next);
    const minor = toMinor(amount, currency);
    if (minor !== null) setAmount(toMajor(minor - before + addOnTotal(campaign, next), currency));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const minor = toMinor(amount, currency);
    if (minor === null) return setLocalError('Enter an amount, e.g. 25 or 25.50');
    setLocalError(null);
    const key = attemptKey.current;
    await pledge({
      input: {
        campaignId: campaign.id,
        amount: minor,
        tierId: tierId || undefined,
        addOns: addOnInput(quantities),
        paymentMethodId: card,
        idempotencyKey: key,
        paymentPlan: overTime && overTimeAllowed(campaign, minor) ? 'PLEDGE_OVER_TIME' : 'PAY_IN_FULL',
      },
    });
    if (attemptKey.current === key) attemptKey.current = newKey();
  };

  return (
    <section className="pledge" aria-labelledby="pledge-title">
      <h2 id="pledge-title">Back this campaign</h2>
      {takesPledges(campaign) === 'LATE' && campaign.latePledgesUntil && (
        <p className="meta" data-testid="late-pledges">
          The campaign succeeded: late pledges are taken until {new Date(campaign.latePledgesUntil).toLocaleString()} (<Countdown to={campaign.latePledgesUntil} />
          ).
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <fieldset>
          <legend>Reward</legend>
          <label>
            <input type="radio" name="tier" checked={tierId === ''} onChange={() => setTierId('')} /> No reward, just support
          </label>
          {campaign.rewardTiers.map((tier) => (
            <label key={tier.id}>
              <input type="radio" name="tier" value={tier.id} checked={tierId === tier.id} disabled={tier.remaining === 0} onChange={() => chooseTier(tier.id)} /> {tier.title} (
              {tier.minimum.formatted}
              {tier.remaining === 0 ? ', sold out' : ''})
            </label>
          ))}
          {error?.fields.tierId && <span className="field-error">{error.fields.tierId}</span>}
        </fieldset>
        <AddOnChoice campaign={campaign} tierId={tierId} quantities={quantities} onChange={chooseAddOns} />
        {error?.fields.addOns && <span className="field-error">{error.fields.addOns}</span>}
        <Field label={`Amount (${currency})`} name="amount" inputMode="decimal" value={amount} onChange={(event) => setAmount(event.target.value)} error={error} required />
        {localError && <span className="field-error">{localError}</span>}
        {campaign.pledgeOverTime && (
          <fieldset>
            <legend>Payment</legend>
            <label>
              <input type="radio" name="plan" value="PAY_IN_FULL" checked={!overTime} onChange={() => setOverTime(false)} /> Pay in full
            </label>
            <label>
              <input
                type="radio"
                name="plan"
                value="PLEDGE_OVER_TIME"
                checked={overTime && overTimeAllowed(campaign, toMinor(amount, currency))}
                disabled={!overTimeAllowed(campaign, toMinor(amount, currency))}
                onChange={() => setOverTime(true)}
              />{' '}
              Pledge over time, in parts{campaign.pledgeOverTimeMinimum ? ` (from ${campaign.pledgeOverTimeMinimum.formatted})` : ''}
            </label>
            {error?.fields.paymentPlan && <span className="field-error">{error.fields.paymentPlan}</span>}
          </fieldset>
        )}
        <CardChoice value={card} onChange={setCard} name="card" />
        {error?.fields.paymentMethodId && <span className="field-error">{error.fields.paymentMethodId}</span>}
        <ErrorNote error={error} />
        <button type="submit" disabled={result.fetching} data-testid="pledge-button">
          {result.fetching ? 'Pledging...' : 'Pledge'}
        </button>
      </form>
    </section>
  );
}

function YourPledge({ pledge, campaign }: { pledge: ViewerPledgeFragment; campaign: CampaignFiguresFragment }) {
  const currency = campaign.goal.currency;
  const [editing, setEditing] = useState(false);
  const [amount, setAmount] = useState(toMajor(pledge.amount.amount, currency));
  const [tierId, setTierId] = useState(pledge.tier?.id ?? '');
  const [card, setCard] = useState<string>(CARDS[0].id);
  const [update, updatePledge] = useMutation(WebUpdatePledgeDocument);
  const [cancel, cancelPledge] = useMutation(WebCancelPledgeDocument);
  const [retry, retryPayment] = useMutation(WebRetryPledgePaymentDocument);
  const live = campaign.status === 'LIVE';
  const updateError = shownError(update.error);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const minor = toMinor(amount, currency);
    const outcome = await updatePledge({ id: pledge.id, input: { amount: minor ?? undefined, tierId: tierId || undefined } });
    if (!outcome.error) setEditing(false);
  };

  return (
    <section className="pledge" aria-labelledby="your-pledge">
      <h2 id="your-pledge">Your pledge</h2>
      <p data-testid="your-pledge">
        <strong>{pledge.amount.formatted}</strong>
        {pledge.tier ? ` for ${pledge.tier.title}` : ''} · <Status value={pledge.status} />
      </p>
      {pledge.addOns.length > 0 && <p className="meta">with {pledge.addOns.map((line) => `${line.quantity} × ${line.addOn.title}`).join(', ')}</p>}
      {pledge.late && <p className="meta">A late pledge, made after the campaign succeeded.</p>}
      {pledge.paymentPlan === 'PLEDGE_OVER_TIME' && (
        <section aria-labelledby="schedule">
          <h3 id="schedule">Payment schedule</h3>
          <ol className="plain" data-testid="payment-schedule">
            {pledge.increments.map((increment) => (
              <li key={increment.number}>
                {increment.number}. <strong>{increment.amount.formatted}</strong> due {new Date(increment.dueAt).toLocaleDateString()} · <Status value={increment.state} />
                {increment.collectedAt && <span className="meta"> (paid {new Date(increment.collectedAt).toLocaleDateString()})</span>}
              </li>
            ))}
          </ol>
        </section>
      )}
      {pledge.status === 'PAYMENT_FAILED' && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void retryPayment({ id: pledge.id, paymentMethodId: card });
          }}
        >
          <p className="error">The payment failed{pledge.failureReason ? `: ${pledge.failureReason}` : ''}. Fix it with another card before the retry window ends.</p>
          <CardChoice value={card} onChange={setCard} name="retry-card" />
          <ErrorNote error={shownError(retry.error)} />
          <button type="submit" disabled={retry.fetching}>
            Pay again
          </button>
        </form>
      )}
      {live && pledge.status === 'PENDING' && !editing && (
        <p className="actions">
          <button type="button" onClick={() => setEditing(true)}>
            Change
          </button>
          <button
            type="button"
            className="danger"
            disabled={cancel.fetching}
            onClick={() => {
              if (confirm('Cancel your pledge?')) void cancelPledge({ id: pledge.id });
            }}
          >
            Cancel pledge
          </button>
        </p>
      )}
      <ErrorNote error={shownError(cancel.error)} />
      {editing && (
        <form onSubmit={(event) => void save(event)} noValidate>
          <Field label="Reward" name="tierId" error={updateError}>
            <select id="field-tierId" value={tierId} onChange={(event) => setTierId(event.target.value)}>
              <option value="">No reward</option>
              {campaign.rewardTiers.map((tier) => (
                <option key={tier.id} value={tier.id}>
                  {tier.title} ({tier.minimum.formatted})
                </option>
              ))}
            </select>
          </Field>
          <Field label={`Amount (${currency})`} name="amount" inputMode="decimal" value={amount} onChange={(event) => setAmount(event.target.value)} error={updateError} />
          <ErrorNote error={updateError} />
          <button type="submit" disabled={update.fetching}>
            Save
          </button>{' '}
          <button type="button" className="link" onClick={() => setEditing(false)}>
            Keep as is
          </button>
        </form>
      )}
    </section>
  );
}

/** The first page comes with WebCampaign (same field and arguments), so graphcache answers it without a request. */
function Comments({ campaignId }: { campaignId: string }) {
  const [first, setFirst] = useState(10);
  const [{ data }] = useQuery({ query: WebCommentsDocument, variables: { campaignId, first } });
  const [added, addComment] = useMutation(WebAddCommentDocument);
  const [body, setBody] = useState('');
  const error = shownError(added.error);
  const page = data?.campaign?.comments ?? null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const outcome = await addComment({ input: { subjectId: campaignId, body } });
    if (!outcome.error) setBody('');
  };
  return (
    <section aria-labelledby="comments">
      <h2 id="comments">Comments ({page?.totalCount ?? 0})</h2>
      {getSession() ? (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <div className="field">
            <label htmlFor="comment-body">Your comment</label>
            <textarea id="comment-body" value={body} onChange={(event) => setBody(event.target.value)} rows={3} />
            {error?.fields.body && <span className="field-error">{error.fields.body}</span>}
          </div>
          <ErrorNote error={error} />
          <button type="submit" disabled={added.fetching}>
            Comment
          </button>
        </form>
      ) : (
        <p>Sign in to comment.</p>
      )}
      <ul className="plain comments">
        {page?.edges.map(({ node }) => (
          <li key={node.id}>
            <strong>
              <Link to={`/profiles/${node.author.handle}`}>{node.author.displayName}</Link>
            </strong>{' '}
            <span className="meta">{new Date(node.createdAt).toLocaleString()}</span>
            <p>{node.deleted ? <em>deleted</em> : node.body}</p>
          </li>
        ))}
      </ul>
      {page?.pageInfo.hasNextPage && (
        <button type="button" onClick={() => setFirst(first + 10)}>
          More comments
        </button>
      )}
    </section>
  );
}

/** A published prelaunch page: "notify me" when it launches, and how many asked. */
function NotifyMe({ campaign }: { campaign: { id: string; followersCount: number; viewerIsFollowing: boolean } }) {
  const [followed, follow] = useMutation(WebFollowCampaignDocument);
  const [unfollowed, unfollow] = useMutation(WebUnfollowCampaignDocument);
  const busy = followed.fetching || unfollowed.fetching;
  return (
    <section className="pledge" aria-labelledby="notify-title">
      <h2 id="notify-title">Coming soon</h2>
      <p>
        <span data-testid="followers">{campaign.followersCount}</span> {campaign.followersCount === 1 ? 'person asks' : 'people ask'} to be notified at launch.
      </p>
      {!getSession() ? (
        <p>
          <Link to={`/sign-in?next=${encodeURIComponent(location.pathname)}`}>Sign in</Link> to be notified when it launches.
        </p>
      ) : campaign.viewerIsFollowing ? (
        <p>
          <span className="ok" role="status">
            You will be notified at launch.
          </span>{' '}
          <button type="button" className="link" disabled={busy} onClick={() => void unfollow({ campaignId: campaign.id })}>
            Stop notifying me
          </button>
        </p>
      ) : (
        <button type="button" disabled={busy} onClick={() => void follow({ campaignId: campaign.id })}>
          Notify me at launch
        </button>
      )}
      <ErrorNote error={shownError(followed.error ?? unfollowed.error)} />
    </section>
  );
}
