/** The signed-in profile's settings: which notification kinds are also sent by email. */
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { shownError } from '../errors';
import { WebNotificationSettingsDocument, WebUpdateNotificationSettingsDocument } from '../graphql';
import { errorsByKind, kindsToShow } from '../notification-kinds';
import { Link } from '../router';
import { getSession } from '../session';
import { ErrorNote, Loading } from '../ui';

export function SettingsPage() {
  const session = getSession();
  if (!session)
    return (
      <section className="narrow">
        <h1>Settings</h1>
        <p>
          Please <Link to={`/sign-in?next=${encodeURIComponent('/settings')}`}>sign in</Link> first.
        </p>
      </section>
    );
  return <EmailSettings />;
}

function EmailSettings() {
  const [{ data, fetching, error }] = useQuery({ query: WebNotificationSettingsDocument });
  const [saved, save] = useMutation(WebUpdateNotificationSettingsDocument);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [sent, setSent] = useState<string[]>([]);
  const [confirmed, setConfirmed] = useState(false);
  const current = data?.notificationSettings.emailKinds;
  useEffect(() => {
    if (current && chosen === null) setChosen([...current]);
  }, [current, chosen]);
  if (fetching && !data) return <Loading />;
  if (error) return <ErrorNote error={shownError(error)} />;
  if (!chosen) return <Loading />;

  const saveError = shownError(saved.error);
  const fieldErrors = errorsByKind(saveError?.fields ?? {}, sent);
  const toggle = (kind: string, on: boolean) => {
    setConfirmed(false);
    setChosen(on ? [...chosen, kind] : chosen.filter((other) => other !== kind));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setConfirmed(false);
    setSent(chosen);
    const outcome = await save({ emailKinds: chosen });
    if (outcome.data) {
      setChosen([...outcome.data.updateNotificationSettings.emailKinds]);
      setConfirmed(true);
    }
  };

  return (
    <section className="narrow">
      <h1>Settings</h1>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <fieldset aria-describedby={fieldErrors.emailKinds ? 'email-kinds-error' : undefined}>
          <legend>Also email me when</legend>
          <p className="meta">Every notification is shown here on Foule; the ones ticked are also sent to your email address.</p>
          {kindsToShow(chosen).map(({ kind, label }) => {
            const id = `email-kind-${kind}`;
            const message = fieldErrors[kind];
            return (
              <div className="field check" key={kind}>
                <label htmlFor={id}>
                  <input
                    id={id}
                    type="checkbox"
                    name="emailKinds"
                    value={kind}
                    checked={chosen.includes(kind)}
                    onChange={(event) => toggle(kind, event.target.checked)}
                    aria-invalid={message ? true : undefined}
                    aria-describedby={message ? `${id}-error` : undefined}
                  />{' '}
                  {label}
                </label>
                {message && (
                  <span className="field-error" id={`${id}-error`}>
                    {message}
                  </span>
                )}
              </div>
            );
          })}
          {fieldErrors.emailKinds && (
            <span className="field-error" id="email-kinds-error">
              {fieldErrors.emailKinds}
            </span>
          )}
        </fieldset>
        <ErrorNote error={saveError} />
        {confirmed && !saved.fetching && (
          <p role="status" className="ok" data-testid="settings-saved">
            Saved: {chosen.length === 0 ? 'no notifications are emailed.' : `${chosen.length} kinds of notification are also emailed.`}
          </p>
        )}
        <button type="submit" disabled={saved.fetching}>
          Save email settings
        </button>
      </form>
    </section>
  );
}
