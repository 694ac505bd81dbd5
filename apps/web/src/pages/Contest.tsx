/**
 * A contest: brief, prize, rounds with timers, the entry gallery (as the viewer may see it in a
 * blind contest), entries arriving live (`entrySubmitted`); a designer submits or revises an
 * entry with an image upload; the holder rates, eliminates, selects finalists, picks the winner
 * and approves the handover, and sees `similarTo` for each entry.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { shownError, type ShownError } from '../errors';
import {
  WebApproveHandoverDocument,
  WebContestDocument,
  WebCreateUploadDocument,
  WebEliminateEntryDocument,
  WebEntryDocument,
  WebEntrySubmittedDocument,
  WebPickWinnerDocument,
  WebRateEntryDocument,
  WebReviseEntryDocument,
  WebSelectFinalistsDocument,
  WebSubmitEntryDocument,
  type EntryCardFragment,
} from '../graphql';
import { Link } from '../router';
import { Polls } from './Polls';
import { getSession } from '../session';
import { sendToTicket } from '../upload';
import { Countdown, ErrorNote, Field, Loading, Status } from '../ui';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

export function ContestPage({ id }: { id: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: WebContestDocument, variables: { id } });
  useSubscription({ query: WebEntrySubmittedDocument, variables: { contestId: id }, pause: !data?.contest });
  const [finalists, setFinalists] = useState<string[]>([]);
  const [select, selectFinalists] = useMutation(WebSelectFinalistsDocument);
  const [approve, approveHandover] = useMutation(WebApproveHandoverDocument);

  if (fetching && !data) return <Loading />;
  if (error) return <ErrorNote error={shownError(error)} />;
  const contest = data?.contest;
  if (!contest)
    return (
      <section>
        <h1>Contest not found</h1>
        <Link to="/">Discover others</Link>
      </section>
    );
  const viewer = getSession()?.profile;
  const isHolder = viewer?.id === contest.holder.id;
  const mine = contest.entries.edges.filter(({ node }) => node.designer.id === viewer?.id);
  const canSubmit = viewer && !isHolder && contest.status === 'OPEN';
  const toggleFinalist = (entryId: string) =>
    setFinalists(finalists.includes(entryId) ? finalists.filter((other) => other !== entryId) : [...finalists, entryId]);

  return (
    <article className="contest">
      <header>
        <p className="meta">
          <Status value={contest.status} /> {contest.category} · held by <Link to={`/profiles/${contest.holder.handle}`}>{contest.holder.displayName}</Link>
          {contest.blind && ' · blind: designers see only their own entries until the end'}
          {contest.guaranteed && ' · prize guaranteed'}
        </p>
        <h1>{contest.title}</h1>
      </header>
      <div className="columns">
        <div>
          <section aria-labelledby="brief">
            <h2 id="brief">Brief</h2>
            <p className="prose">{contest.brief}</p>
          </section>
          <section aria-labelledby="gallery">
            <h2 id="gallery">
              Entries ({contest.entriesCount} by {contest.designersCount} designers)
            </h2>
            {contest.entries.edges.length === 0 && <p>{contest.blind && !isHolder ? 'Entries are hidden in this blind contest.' : 'No entry yet.'}</p>}
            <ul className="gallery">
              {contest.entries.edges.map(({ node }) => (
                <EntryTile
                  key={node.id}
                  entry={node}
                  isHolder={isHolder}
                  isMine={node.designer.id === viewer?.id}
                  contestStatus={contest.status}
                  contestId={contest.id}
                  finalist={finalists.includes(node.id)}
                  onToggleFinalist={contest.status === 'FINALIST_SELECTION' && isHolder ? () => toggleFinalist(node.id) : undefined}
                  isWinner={contest.winner?.id === node.id}
                />
              ))}
            </ul>
            {isHolder && contest.status === 'FINALIST_SELECTION' && (
              <p>
                <button type="button" disabled={finalists.length === 0 || select.fetching} onClick={() => void selectFinalists({ contestId: contest.id, entryIds: finalists })}>
                  Select {finalists.length} finalists (at most {contest.maxFinalists})
                </button>
                <ErrorNote error={shownError(select.error)} />
              </p>
            )}
            {isHolder && contest.status === 'HANDOVER' && (
              <p>
                <button type="button" disabled={approve.fetching} onClick={() => void approveHandover({ contestId: contest.id })}>
                  Approve the handover
                </button>
                <ErrorNote error={shownError(approve.error)} />
              </p>
            )}
          </section>
          {!contest.blind && <Polls contestId={contest.id} isHolder={isHolder} signedIn={!!viewer} entries={contest.entries.edges.map(({ node }) => node)} />}
        </div>
        <aside>
          <section className="figures" aria-label="Prize and rounds">
            <dl>
              <div>
                <dt>Prize</dt>
                <dd>{contest.prize.formatted}</dd>
              </div>
              <div>
                <dt>Qualifying round</dt>
                <dd>{contest.status === 'OPEN' ? <Countdown to={contest.qualifyingEndsAt} /> : contest.qualifyingEndsAt ? 'over' : 'not started'}</dd>
              </div>
              <div>
                <dt>Final round</dt>
                <dd>
                  {contest.status === 'FINAL_ROUND' ? <Countdown to={contest.finalRoundEndsAt} /> : contest.finalRoundEndsAt ? new Date(contest.finalRoundEndsAt).toLocaleDateString() : 'later'}
                </dd>
              </div>
              <div>
                <dt>Finalists</dt>
                <dd>up to {contest.maxFinalists}</dd>
              </div>
            </dl>
          </section>
          {canSubmit && <SubmitEntry contestId={contest.id} onDone={() => refetch({ requestPolicy: 'network-only' })} />}
          {!viewer && contest.status === 'OPEN' && (
            <p>
              <Link to={`/sign-in?next=${encodeURIComponent(location.pathname)}`}>Sign in</Link> to submit an entry.
            </p>
          )}
          {mine.length > 0 && <p className="meta">You have {mine.length} entries here.</p>}
        </aside>
      </div>
    </article>
  );
}

/** Upload one image through a ticket: returns the asset id, reporting progress. */
function useImageUpload() {
  const [, createUpload] = useMutation(WebCreateUploadDocument);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const upload = async (file: File): Promise<string | null> => {
    setError(null);
    if (!IMAGE_TYPES.includes(file.type)) {
      setError({ code: 'BAD_USER_INPUT', message: 'Please fix the fields marked below.', fields: { file: 'Choose a PNG, JPEG or WebP image.' } });
      return null;
    }
    const ticket = await createUpload({ input: { filename: file.name, contentType: file.type, byteSize: file.size } });
    if (ticket.error || !ticket.data) {
      const shown = shownError(ticket.error);
      if (shown && Object.keys(shown.fields).length) shown.fields = { file: Object.values(shown.fields).join(' ') };
      setError(shown);
      return null;
    }
    try {
      setProgress(0);
      await sendToTicket(ticket.data.createUpload, file, setProgress);
      return ticket.data.createUpload.assetId;
    } catch (failure) {
      setError({ code: 'NETWORK', message: (failure as Error).message, fields: {} });
      setProgress(null);
      return null;
    }
  };
  return { upload, progress, error, reset: () => setProgress(null) };
}

function Progress({ value }: { value: number | null }) {
  if (value === null) return null;
  return (
    <progress max={1} value={value} aria-label="Upload progress">
      {Math.round(value * 100)}%
    </progress>
  );
}

function SubmitEntry({ contestId, onDone }: { contestId: string; onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const { upload, progress, error: uploadError, reset } = useImageUpload();
  const [submitted, submitEntry] = useMutation(WebSubmitEntryDocument);
  const [done, setDone] = useState<number | null>(null);
  const error = uploadError ?? shownError(submitted.error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    const assetId = await upload(file);
    if (!assetId) return;
    const outcome = await submitEntry({ input: { contestId, title: title || undefined, description: description || undefined, assetIds: [assetId] } });
    if (outcome.data) {
      setDone(outcome.data.submitEntry.number);
      setFile(null);
      setTitle('');
      setDescription('');
      reset();
      onDone();
    }
  };
  return (
    <section className="submit" aria-labelledby="submit-title">
      <h2 id="submit-title">Submit an entry</h2>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field label="Image (PNG, JPEG or WebP)" name="file" error={error}>
          <input id="field-file" name="file" type="file" accept={IMAGE_TYPES.join(',')} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
        </Field>
        <Field label="Title" name="title" value={title} onChange={(event) => setTitle(event.target.value)} error={error} />
        <Field label="Description" name="description" value={description} onChange={(event) => setDescription(event.target.value)} error={error} />
        <Progress value={progress} />
        <ErrorNote error={error} />
        <button type="submit" disabled={!file || submitted.fetching}>
          Submit entry
        </button>
        {done !== null && (
          <p role="status" className="ok">
            Entry #{done} submitted.
          </p>
        )}
      </form>
    </section>
  );
}

function EntryTile({
  entry,
  isHolder,
  isMine,
  isWinner,
  contestStatus,
  contestId,
  finalist,
  onToggleFinalist,
}: {
  entry: EntryCardFragment;
  isHolder: boolean;
  isMine: boolean;
  isWinner: boolean;
  contestStatus: string;
  contestId: string;
  finalist: boolean;
  onToggleFinalist?: () => void;
}) {
  const [rate, rateEntry] = useMutation(WebRateEntryDocument);
  const [eliminate, eliminateEntry] = useMutation(WebEliminateEntryDocument);
  const [pick, pickWinner] = useMutation(WebPickWinnerDocument);
  const [details, setDetails] = useState(false);
  const image = entry.currentRevision.assets[0];
  const judging = isHolder && ['OPEN', 'FINALIST_SELECTION', 'FINAL_ROUND', 'WINNER_SELECTION'].includes(contestStatus);
  const label = `Entry #${entry.number}${entry.title ? `: ${entry.title}` : ''}`;
  return (
    <li className="entry" data-testid={`entry-${entry.number}`} aria-label={label}>
      {image ? <img src={image.thumbnailUrl ?? image.url} alt={label} loading="lazy" width={240} height={160} /> : <div className="no-image">no image</div>}
      <p>
        <strong>#{entry.number}</strong> {entry.title} {isWinner && <span className="tag">winner</span>}
        <br />
        <span className="meta">
          by <Link to={`/profiles/${entry.designer.handle}`}>{entry.designer.displayName}</Link> · <Status value={entry.status} /> · rev. {entry.currentRevision.revision}
        </span>
      </p>
      {(isHolder || isMine) && (
        <div className="stars" role="group" aria-label={`Rating of entry #${entry.number}`}>
          {[1, 2, 3, 4, 5].map((stars) => (
            <button
              key={stars}
              type="button"
              className={entry.rating !== null && entry.rating !== undefined && stars <= entry.rating ? 'star on' : 'star'}
              aria-pressed={entry.rating === stars}
              aria-label={`${stars} stars`}
              disabled={!judging || rate.fetching || entry.status === 'ELIMINATED'}
              onClick={() => void rateEntry({ id: entry.id, stars })}
            >
              ★
            </button>
          ))}
        </div>
      )}
      {judging && (
        <p className="actions">
          {entry.status !== 'ELIMINATED' && contestStatus === 'OPEN' && (
            <button type="button" className="danger" disabled={eliminate.fetching} onClick={() => void eliminateEntry({ id: entry.id })}>
              Eliminate
            </button>
          )}
          {onToggleFinalist && (
            <label>
              <input type="checkbox" checked={finalist} onChange={onToggleFinalist} /> finalist
            </label>
          )}
          {contestStatus === 'WINNER_SELECTION' && entry.status === 'FINALIST' && (
            <button type="button" disabled={pick.fetching} onClick={() => void pickWinner({ contestId, entryId: entry.id })}>
              Pick as winner
            </button>
          )}
        </p>
      )}
      <ErrorNote error={shownError(rate.error ?? eliminate.error ?? pick.error)} />
      <button type="button" className="link" aria-expanded={details} onClick={() => setDetails(!details)}>
        {details ? 'Hide details' : 'Details'}
      </button>
      {details && <EntryDetails id={entry.id} isHolder={isHolder} canRevise={isMine && ['OPEN', 'FINAL_ROUND'].includes(contestStatus)} />}
    </li>
  );
}

function EntryDetails({ id, isHolder, canRevise }: { id: string; isHolder: boolean; canRevise: boolean }) {
  const [{ data }] = useQuery({ query: WebEntryDocument, variables: { id } });
  const { upload, progress, error: uploadError, reset } = useImageUpload();
  const [revised, reviseEntry] = useMutation(WebReviseEntryDocument);
  const [file, setFile] = useState<File | null>(null);
  const [note, setNote] = useState('');
  const entry = data?.entry;
  if (!entry) return <Loading />;
  const error = uploadError ?? shownError(revised.error);
  const revise = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    const assetId = await upload(file);
    if (assetId && !(await reviseEntry({ input: { entryId: id, assetIds: [assetId], note: note || undefined } })).error) {
      setFile(null);
      setNote('');
      reset();
    }
  };
  return (
    <div className="details">
      {entry.description && <p>{entry.description}</p>}
      <h3>Revisions</h3>
      <ol reversed>
        {entry.revisions.map((revision) => (
          <li key={revision.id}>
            rev. {revision.revision}, {new Date(revision.createdAt).toLocaleString()}
            {revision.note ? `: ${revision.note}` : ''}
          </li>
        ))}
      </ol>
      {isHolder && (
        <>
          <h3>Looks like</h3>
          {entry.similarTo.length === 0 ? (
            <p className="meta">No earlier entry looks like this one.</p>
          ) : (
            <ul>
              {entry.similarTo.map((similar) => (
                <li key={similar.entry.id}>
                  entry #{similar.entry.number} (distance {similar.distance}
                  {similar.distance === 0 ? ', the same picture' : ''})
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {canRevise && (
        <form onSubmit={(event) => void revise(event)} noValidate>
          <Field label="New image" name="file" error={error} inputId={`revise-${id}`}>
            <input id={`revise-${id}`} type="file" accept={IMAGE_TYPES.join(',')} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
          </Field>
          <Field label="Note" name="note" inputId={`note-${id}`} value={note} onChange={(event) => setNote(event.target.value)} error={error} />
          <Progress value={progress} />
          <ErrorNote error={error} />
          <button type="submit" disabled={!file || revised.fetching}>
            Revise
          </button>
        </form>
      )}
    </div>
  );
}
