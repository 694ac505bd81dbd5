/** Small shared pieces: an error's message, a labelled field with its error beside it, a countdown. */
import { useEffect, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import type { ShownError } from './errors';

export function ErrorNote({ error }: { error: ShownError | null | undefined }) {
  if (!error) return null;
  return (
    <p className="error" role="alert" data-code={error.code}>
      {error.message}
    </p>
  );
}

export function Field({
  label,
  name,
  error,
  children,
  inputId,
  ...input
}: { label: string; name: string; error?: ShownError | null; children?: ReactNode; inputId?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const message = error?.fields[name];
  const id = inputId ?? `field-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children ?? <input id={id} name={name} aria-invalid={message ? true : undefined} aria-describedby={message ? `${id}-error` : undefined} {...input} />}
      {message && (
        <span className="field-error" id={`${id}-error`}>
          {message}
        </span>
      )}
    </div>
  );
}

/** "3 d 4 h", "12 min 5 s", or "ended", ticking every second. */
export function Countdown({ to, label = 'left' }: { to: string | null | undefined; label?: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  if (!to) return null;
  const left = Math.max(0, new Date(to).getTime() - now) / 1000;
  if (left === 0) return <span className="countdown">ended</span>;
  const [d, h, m, s] = [Math.floor(left / 86400), Math.floor((left % 86400) / 3600), Math.floor((left % 3600) / 60), Math.floor(left % 60)];
  const text = d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min ${s} s`;
  return (
    <span className="countdown">
      <time dateTime={to}>{text}</time> {label}
    </span>
  );
}

export function Status({ value }: { value: string }) {
  return <span className={`status status-${value.toLowerCase()}`}>{value.replace(/_/g, ' ').toLowerCase()}</span>;
}

export const newKey = (): string => crypto.randomUUID();

export function Loading() {
  return (
    <p className="loading" aria-live="polite">
      Loading...
    </p>
  );
}
