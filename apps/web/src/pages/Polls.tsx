/**
 * A contest's polls: options with their counts and share, the viewer's vote, a vote button per
 * option (voting again moves the vote), closed polls and withdrawn entries taking no votes; the
 * holder asks a new one over 2-8 of the entries, for everyone or the campaign's backers only.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { shownError } from '../errors';
import { WebContestPollsDocument, WebCreatePollDocument, WebVoteDocument, type PollCardFragment } from '../graphql';
import { votePercent, voteRefusal } from '../poll-errors';
import { ErrorNote, Field, Status } from '../ui';

interface PollEntry {
  id: string;
  number: number;
  title?: string | null;
  status: string;
}

export function Polls({ contestId, isHolder, signedIn, entries }: { contestId: string; isHolder: boolean; signedIn: boolean; entries: PollEntry[] }) {
  const [{ data, error }, refetch] = useQuery({ query: WebContestPollsDocument, variables: { id: contestId } });
  const polls = data?.contest?.polls ?? [];
  if (error) return <ErrorNote error={shownError(error)} />;
  if (polls.length === 0 && !isHolder) return null;
  return (
    <section aria-labelledby="polls">
      <h2 id="polls">Polls</h2>
      {polls.length === 0 && <p className="meta">No poll yet.</p>}
      {polls.map((poll) => (
        // A PUBLIC poll asks its holder too; a BACKERS poll only the campaign's backers.
        <PollCard key={poll.id} poll={poll} canVote={signedIn && (poll.audience === 'PUBLIC' || !isHolder)} />
      ))}
      {isHolder && <CreatePoll contestId={contestId} entries={entries} onDone={() => refetch({ requestPolicy: 'network-only' })} />}
    </section>
  );
}

function PollCard({ poll, canVote }: { poll: PollCardFragment; canVote: boolean }) {
  const [voted, vote] = useMutation(WebVoteDocument);
  const error = voteRefusal(shownError(voted.error), poll.audience);
  return (
    <div className="poll" data-testid={`poll-${poll.id}`}>
      <h3>{poll.question}</h3>
      <p className="meta">
        {poll.audience === 'BACKERS' ? 'Backers of the campaign only' : 'Open to everyone signed in'} · {poll.totalVotes} {poll.totalVotes === 1 ? "vote" : "votes"} ·{' '}
        {poll.isOpen ? <>closes {new Date(poll.closesAt).toLocaleString()}</> : <Status value="closed" />}
      </p>
      <ul className="plain">
        {poll.options.map(({ entry, votes }) => {
          const mine = poll.viewerVote?.id === entry.id;
          const withdrawn = entry.status === 'WITHDRAWN';
          const percent = votePercent(votes, poll.totalVotes);
          return (
            <li key={entry.id} data-testid={`option-${entry.number}`}>
              #{entry.number} {entry.title ?? ''} {withdrawn && <Status value="withdrawn" />}{' '}
              <meter min={0} max={100} value={percent} aria-label={`#${entry.number}: ${percent}% of the votes`} /> <span data-testid="votes">{votes}</span> ({percent}%)
              {mine && <strong> your vote</strong>}
              {canVote && poll.isOpen && !withdrawn && !mine && (
                <>
                  {' '}
                  <button type="button" disabled={voted.fetching} onClick={() => void vote({ pollId: poll.id, entryId: entry.id })}>
                    {poll.viewerVote ? `Move my vote to #${entry.number}` : `Vote for #${entry.number}`}
                  </button>
                </>
              )}
            </li>
          );
        })}
      </ul>
      <ErrorNote error={error} />
    </div>
  );
}

const inAWeek = (): string => {
  const date = new Date(Date.now() + 7 * 86_400_000);
  date.setSeconds(0, 0);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

function CreatePoll({ contestId, entries, onDone }: { contestId: string; entries: PollEntry[]; onDone: () => void }) {
  const [question, setQuestion] = useState('');
  const [closesAt, setClosesAt] = useState(inAWeek());
  const [audience, setAudience] = useState<'PUBLIC' | 'BACKERS'>('PUBLIC');
  const [chosen, setChosen] = useState<string[]>([]);
  const [created, createPoll] = useMutation(WebCreatePollDocument);
  const [done, setDone] = useState(false);
  const error = shownError(created.error);
  const choosable = entries.filter((entry) => entry.status !== 'WITHDRAWN');
  const toggle = (id: string) => setChosen(chosen.includes(id) ? chosen.filter((other) => other !== id) : [...chosen, id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    const outcome = await createPoll({ input: { contestId, question, audience, closesAt: new Date(closesAt).toISOString(), entryIds: chosen } });
    if (outcome.data) {
      setQuestion('');
      setChosen([]);
      setDone(true);
      onDone();
    }
  };
  return (
    <form className="submit" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="new-poll">
      <h3 id="new-poll">Ask a poll</h3>
      <Field label="Question" name="question" value={question} onChange={(event) => setQuestion(event.target.value)} error={error} />
      <Field label="Closes at" name="closesAt" type="datetime-local" value={closesAt} onChange={(event) => setClosesAt(event.target.value)} error={error} />
      <fieldset>
        <legend>Who votes</legend>
        <label>
          <input type="radio" name="audience" value="PUBLIC" checked={audience === 'PUBLIC'} onChange={() => setAudience('PUBLIC')} /> everyone signed in
        </label>{' '}
        <label>
          <input type="radio" name="audience" value="BACKERS" checked={audience === 'BACKERS'} onChange={() => setAudience('BACKERS')} /> backers of the campaign
        </label>
        {error?.fields.audience && <span className="field-error">{error.fields.audience}</span>}
      </fieldset>
      <fieldset aria-describedby={error?.fields.entryIds ? 'poll-entries-error' : undefined}>
        <legend>Entries (2 to 8, in this order)</legend>
        {choosable.length < 2 && <p className="meta">A poll needs at least 2 entries.</p>}
        {choosable.map((entry) => (
          <label key={entry.id} className="check">
            <input type="checkbox" name="entryIds" value={entry.id} checked={chosen.includes(entry.id)} onChange={() => toggle(entry.id)} /> #{entry.number} {entry.title ?? ''}
          </label>
        ))}
        {error?.fields.entryIds && (
          <span className="field-error" id="poll-entries-error">
            {error.fields.entryIds}
          </span>
        )}
      </fieldset>
      <ErrorNote error={error} />
      <button type="submit" disabled={created.fetching || chosen.length < 2 || chosen.length > 8}>
        Ask the poll
      </button>
      {done && (
        <p role="status" className="ok">
          Poll created.
        </p>
      )}
    </form>
  );
}
