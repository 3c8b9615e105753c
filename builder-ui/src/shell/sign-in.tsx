/** Asks for an API key; what the API said about the last one, if it refused it. */
import { useId, useState } from 'react';

export function SignIn({ reason, onSignIn }: { reason?: string; onSignIn: (key: string) => void }) {
  const keyId = useId();
  const [key, setKey] = useState('');
  return (
    <main className="lf-signin">
      <form
        className="lf-form lf-card"
        aria-labelledby="signin-title"
        onSubmit={(event) => {
          event.preventDefault();
          if (key.trim()) onSignIn(key.trim());
        }}
      >
        <h1 id="signin-title">Sign in to LeadFlow</h1>
        <p className="lf-muted">Paste the API key an administrator gave you. It stays in this browser.</p>
        <label htmlFor={keyId}>API key</label>
        <input id={keyId} type="password" autoComplete="off" spellCheck={false} data-testid="signin-key" placeholder="lf_…" value={key} autoFocus onChange={(event) => setKey(event.target.value)} />
        {reason && (
          <p className="lf-error" role="alert" data-testid="signin-error">
            {reason}
          </p>
        )}
        <button type="submit" className="lf-primary" data-testid="signin-submit" disabled={key.trim() === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
}
