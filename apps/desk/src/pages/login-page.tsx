import { useState, type FormEvent } from 'react';
import { api, ApiError, errorText, type Agent } from '../api';

export function LoginPage(props: { onLoggedIn: (a: Agent) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.login(email.trim(), password);
      props.onLoggedIn(r.agent);
    } catch (err) {
      setError(err instanceof ApiError && (err.status === 401 || err.code === 'INVALID_CREDENTIALS') ? 'That email and password do not match.' : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form className="login-card" onSubmit={submit} data-testid="login-form">
        <div className="login-brand">
          <svg viewBox="0 0 32 32" width="40" height="40" aria-hidden="true">
            <rect width="32" height="32" rx="9" fill="var(--accent)" />
            <path d="M10 22 22 10" stroke="white" strokeWidth="3.5" strokeLinecap="round" />
            <circle cx="22" cy="10" r="2.6" fill="white" />
          </svg>
          <div>
            <h1>Baton desk</h1>
            <p className="muted">Sign in to pick up chats from the bot.</p>
          </div>
        </div>
        <label className="field">
          <span>Email</span>
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} data-testid="login-email" autoFocus />
        </label>
        <label className="field">
          <span>Password</span>
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} data-testid="login-password" />
        </label>
        {error ? (
          <p className="error-note" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="btn primary block" disabled={busy} data-testid="login-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
