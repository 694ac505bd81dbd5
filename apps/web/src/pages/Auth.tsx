/** Sign in and sign up; on success the session is stored and the previous page shown. */
import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { developerPagesServed } from '../developer-pages';
import { shownError } from '../errors';
import { WebSignInDocument, WebSignUpDocument } from '../graphql';
import { Link, navigate, useLocation } from '../router';
import { setSession } from '../session';
import { ErrorNote, Field } from '../ui';

export function AuthPage({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const { query } = useLocation();
  const [signInResult, signIn] = useMutation(WebSignInDocument);
  const [signUpResult, signUp] = useMutation(WebSignUpDocument);
  const [form, setForm] = useState({ email: '', password: '', handle: '', displayName: '' });
  const result = mode === 'sign-in' ? signInResult : signUpResult;
  const error = shownError(result.error);
  const next = query.get('next') ?? '/';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const outcome =
      mode === 'sign-in'
        ? (await signIn({ input: { email: form.email, password: form.password } })).data?.signIn
        : (await signUp({ input: form })).data?.signUp;
    if (outcome) {
      setSession(outcome);
      navigate(next);
    }
  };
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value });

  return (
    <section className="narrow">
      <h1>{mode === 'sign-in' ? 'Sign in' : 'Sign up'}</h1>
      <form onSubmit={(event) => void submit(event)} noValidate>
        {mode === 'sign-up' && (
          <>
            <Field label="Name" name="displayName" value={form.displayName} onChange={set('displayName')} error={error} autoComplete="name" required />
            <Field label="Handle" name="handle" value={form.handle} onChange={set('handle')} error={error} autoComplete="username" required />
          </>
        )}
        <Field label="Email" name="email" type="email" value={form.email} onChange={set('email')} error={error} autoComplete="email" required />
        <Field
          label="Password"
          name="password"
          type="password"
          value={form.password}
          onChange={set('password')}
          error={error}
          autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
          required
        />
        <ErrorNote error={error} />
        <button type="submit" disabled={result.fetching}>
          {mode === 'sign-in' ? 'Sign in' : 'Create my profile'}
        </button>
      </form>
      {mode === 'sign-in' ? (
        <p>
          New here? <Link to={`/sign-up?next=${encodeURIComponent(next)}`}>Sign up</Link>. <Link to="/forgot-password">Forgot your password?</Link>
          {developerPagesServed() && (
            <>
              {' '}
              Trying the demo? The demo crowd's sign-ins are on the <a href="/dev">developer page</a>.
            </>
          )}
        </p>
      ) : (
        <p>
          Already have a profile? <Link to={`/sign-in?next=${encodeURIComponent(next)}`}>Sign in</Link>.
        </p>
      )}
    </section>
  );
}
