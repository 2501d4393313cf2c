import { type FormEvent, useState } from "react";
import { ApiError } from "./api.js";
import { useSession } from "./session.js";

function messageOf(error: unknown): string {
  if (!(error instanceof ApiError)) return "Something went wrong. Try again.";
  if (error.status === 429) return `${error.problem.detail} Wait, then try again.`;
  return error.problem.detail || error.problem.title;
}

export function SignInPage() {
  const session = useSession();
  const [challenge, setChallenge] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      if (challenge) {
        await session.finishSecondFactor(challenge, String(form.get("code") ?? "").trim());
      } else {
        const outcome = await session.signIn(
          String(form.get("email") ?? ""),
          String(form.get("password") ?? ""),
        );
        if (outcome.kind === "second-factor") setChallenge(outcome.challenge);
      }
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form className="card" onSubmit={submit} aria-describedby={error ? "sign-in-error" : undefined}>
        <h1>Sign in to Tend</h1>
        {challenge ? (
          <>
            <p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
            <label htmlFor="code">Code</label>
            <input id="code" name="code" autoComplete="one-time-code" inputMode="numeric" required />
          </>
        ) : (
          <>
            <label htmlFor="email">Email</label>
            <input id="email" name="email" type="email" autoComplete="username" required />
            <label htmlFor="password">Password</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required />
          </>
        )}
        {error && (
          <p id="sign-in-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {challenge ? "Verify" : "Sign in"}
        </button>
        {challenge && (
          <button type="button" className="link" onClick={() => setChallenge(null)}>
            Use another account
          </button>
        )}
      </form>
    </main>
  );
}
