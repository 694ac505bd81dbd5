/**
 * The pages the api's emails link to (RUNTIME.md, "Email links"): `/verify-email?token=...`
 * calls verifyEmail; `/reset-password?token=...` sets a new password with resetPassword, which
 * signs in here and ends every other session. `/forgot-password` asks for the link.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { shownError } from '../errors';
import { WebRequestPasswordResetDocument, WebResetPasswordDocument, WebVerifyEmailDocument } from '../graphql';
import { Link, navigate, useLocation } from '../router';
import { setSession } from '../session';
import { ErrorNote, Field } from '../ui';

export function VerifyEmailPage() {
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  const [result, verify] = useMutation(WebVerifyEmailDocument);
  useEffect(() => {
    if (token) void verify({ token });
  }, [token]);
  return (
    <section className="narrow">
      <h1>Verify your email</h1>
      {!token && <p className="error">This link has no token: open the link from the email again.</p>}
      {result.fetching && <p aria-live="polite">Checking the link...</p>}
      {result.data?.verifyEmail && (
        <p role="status" className="ok">
          Your email is verified. <Link to="/">Go to Foule</Link>.
        </p>
      )}
      <ErrorNote error={shownError(result.error)} />
    </section>
  );
}

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [result, request] = useMutation(WebRequestPasswordResetDocument);
  const error = shownError(result.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void request({ email });
  };
  return (
    <section className="narrow">
      <h1>Forgot your password?</h1>
      {result.data?.requestPasswordReset ? (
        <p role="status" className="ok">
          If {email} has a profile, a link to set a new password is on its way. It works for 30 minutes.
        </p>
      ) : (
        <form onSubmit={submit} noValidate>
          <Field label="Email" name="email" type="email" value={email} onChange={(event) => setEmail(event.target.value)} error={error} autoComplete="email" />
          <ErrorNote error={error} />
          <button type="submit" disabled={result.fetching}>
            Send me a link
          </button>
        </form>
      )}
    </section>
  );
}

export function ResetPasswordPage() {
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  const [newPassword, setNewPassword] = useState('');
  const [result, reset] = useMutation(WebResetPasswordDocument);
  const error = shownError(result.error);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const outcome = await reset({ token, newPassword });
    if (outcome.data) {
      setSession(outcome.data.resetPassword);
      navigate(`/profiles/${outcome.data.resetPassword.profile.handle}`);
    }
  };
  return (
    <section className="narrow">
      <h1>Set a new password</h1>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field
          label="New password"
          name="newPassword"
          type="password"
          value={newPassword}
          onChange={(event) => setNewPassword(event.target.value)}
          error={error}
          autoComplete="new-password"
        />
        <ErrorNote error={error} />
        <button type="submit" disabled={result.fetching || !token}>
          Set password and sign in
        </button>
      </form>
      <p>
        The link expired? <Link to="/forgot-password">Ask for a new one</Link>.
      </p>
    </section>
  );
}
