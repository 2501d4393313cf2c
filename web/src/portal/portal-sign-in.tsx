import { type FormEvent, useEffect, useRef, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { ApiError, api } from "../api.js";
import { type SignInOutcome, useSession } from "../session.js";

function messageOf(error: unknown): string {
  if (!(error instanceof ApiError)) return "Something went wrong. Try again.";
  if (error.status === 429) return `${error.problem.detail} Wait, then try again.`;
  return error.problem.detail || error.problem.title;
}

type Step = "link" | "password" | "link-sent" | "code";

/**
 * Signing in to the portal: a one-time link by email (the mail points at /portal/sign-in?token=…,
 * which this page redeems), or a password for customers who set one; a code after either when
 * the account has two-factor sign-in.
 */
export function PortalSignIn() {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get("token");
  const [step, setStep] = useState<Step>("link");
  const [challenge, setChallenge] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A link works once: React's development double effects must not spend it twice.
  const redeemed = useRef(false);

  function settle(outcome: SignInOutcome) {
    if (outcome.kind === "second-factor") {
      setChallenge(outcome.challenge);
      setStep("code");
    }
  }

  useEffect(() => {
    if (!token || redeemed.current) return;
    redeemed.current = true;
    setBusy(true);
    session
      .signInWithLink(token)
      .then((outcome) => {
        if (outcome.kind === "second-factor") {
          setChallenge(outcome.challenge);
          setStep("code");
        }
        // The token is spent: keep it out of the address bar and the history.
        else navigate("/portal", { replace: true });
      })
      .catch((caught: unknown) => setError(messageOf(caught)))
      .finally(() => setBusy(false));
  }, [token, session, navigate]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      if (step === "link") {
        await api<unknown>("POST", "/auth/sign-in-link", { email });
        setSentTo(email);
        setStep("link-sent");
      } else if (step === "password") {
        settle(await session.signIn(email, String(form.get("password") ?? "")));
      } else if (step === "code" && challenge) {
        await session.finishSecondFactor(challenge, String(form.get("code") ?? "").trim());
      }
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  const switchTo = (next: Step) => {
    setError(null);
    setStep(next);
  };

  return (
    <main className="portal-sign-in">
      <form className="card" onSubmit={submit} aria-describedby={error ? "portal-sign-in-error" : undefined}>
        <h1>Sign in to Support</h1>
        {token && busy && <p>Signing you in…</p>}
        {step === "link" && (
          <>
            <p>We will email you a link that signs you in. It works once, for 15 minutes.</p>
            <label htmlFor="email">Your work email</label>
            <input id="email" name="email" type="email" autoComplete="email" required />
          </>
        )}
        {step === "link-sent" && (
          <p role="status">
            If <strong>{sentTo}</strong> belongs to a customer account, a sign-in link is on its way. Open it
            on this device. Nothing after a few minutes? Check your spam folder, or ask again.
          </p>
        )}
        {step === "password" && (
          <>
            <label htmlFor="email">Email</label>
            <input id="email" name="email" type="email" autoComplete="username" required />
            <label htmlFor="password">Password</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required />
          </>
        )}
        {step === "code" && (
          <>
            <p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
            <label htmlFor="code">Code</label>
            <input id="code" name="code" autoComplete="one-time-code" inputMode="numeric" required />
          </>
        )}
        {error && (
          <p id="portal-sign-in-error" className="error" role="alert">
            {error}
          </p>
        )}
        {step !== "link-sent" && (
          <button type="submit" className="primary" disabled={busy}>
            {step === "link" ? "Email me a sign-in link" : step === "code" ? "Verify" : "Sign in"}
          </button>
        )}
        <p className="portal-alternatives">
          {step === "password" || step === "link-sent" ? (
            <button type="button" className="link" onClick={() => switchTo("link")}>
              {step === "link-sent" ? "Ask for another link" : "Email me a link instead"}
            </button>
          ) : (
            step === "link" && (
              <button type="button" className="link" onClick={() => switchTo("password")}>
                Sign in with a password
              </button>
            )
          )}
        </p>
      </form>
    </main>
  );
}
