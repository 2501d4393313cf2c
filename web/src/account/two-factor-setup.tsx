import { useEffect, useId, useRef, useState } from "react";
import { AdminForm, TextField, useSubmission } from "../admin/form-controls.js";
import { api } from "../api.js";
import { TwoFactorQrCode } from "./two-factor-qr-code.js";

interface Enrollment {
  secret: string;
  otpauthUri: string;
}

/** Where a code from the authenticator app is typed: the phone's keyboard shows digits, and may offer it. */
export function OneTimeCodeField({
  label,
  hint,
  value,
  onChange,
}: {
  label: string;
  hint?: string;
  value: string;
  onChange(code: string): void;
}) {
  return (
    <TextField
      label={label}
      name="code"
      {...(hint ? { hint } : {})}
      value={value}
      onChange={onChange}
      autoComplete="one-time-code"
      inputMode="numeric"
      required
    />
  );
}

/** The secret in groups of four, as authenticator apps show and ask for it. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)?.join(" ") ?? secret;

/**
 * Turning two-factor sign-in on: a new secret as a QR code (and as text, for typing in), then a code
 * from the app to prove it was added. Only a confirmed secret is asked for at sign-in.
 */
export function TwoFactorSetup({ onEnabled }: { onEnabled(recoveryCodes: string[]): void }) {
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const start = useSubmission([]);
  const confirm = useSubmission(["code"]);
  const [code, setCode] = useState("");
  if (!enrollment) {
    return (
      <div className="two-factor-start">
        <p>
          You will need an authenticator app on your phone (any that supports time-based codes: Google
          Authenticator, Microsoft Authenticator, 1Password, Aegis, …).
        </p>
        <button
          type="button"
          className="primary"
          disabled={start.busy}
          onClick={() =>
            start.run(async () => setEnrollment(await api<Enrollment>("POST", "/auth/two-factor/enrollment")))
          }
        >
          Set up two-factor sign-in
        </button>
        {start.problems?.general.map((message) => (
          <p key={message} className="error" role="alert">
            {message}
          </p>
        ))}
      </div>
    );
  }
  return (
    <div className="two-factor-enrollment">
      <ol>
        <li>
          <p>Scan this code with your authenticator app:</p>
          <TwoFactorQrCode uri={enrollment.otpauthUri} />
          <p>
            Or type this key into it: <code className="totp-secret">{grouped(enrollment.secret)}</code>
          </p>
        </li>
        <li>
          <AdminForm
            submission={confirm}
            title="Enter the 6-digit code the app shows"
            heading="h3"
            submitLabel="Turn on two-factor sign-in"
            onSubmit={confirm.submit(async () => {
              const { recoveryCodes } = await api<{ recoveryCodes: string[] }>(
                "POST",
                "/auth/two-factor/enrollment/confirm",
                { code: code.trim() },
              );
              onEnabled(recoveryCodes);
            })}
          >
            <OneTimeCodeField label="Code" value={code} onChange={setCode} />
          </AdminForm>
        </li>
      </ol>
    </div>
  );
}

/** Recovery codes just made: shown this once, each good for one sign-in without the phone. */
export function RecoveryCodes({ codes, onDone }: { codes: readonly string[]; onDone(): void }) {
  const [copied, setCopied] = useState("");
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  // The form that made them is gone: take the reader to what they must do now.
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="new-secret recovery-codes" aria-labelledby={titleId}>
      <h2 id={titleId} ref={heading} tabIndex={-1}>
        Save your recovery codes
      </h2>
      <p>
        Each code signs you in once if you lose your phone. Keep them somewhere safe (a password manager):
        Tend keeps only their hashes and cannot show them again.
      </p>
      <ul className="recovery-code-list">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="actions">
        <button
          type="button"
          onClick={() =>
            navigator.clipboard
              .writeText(codes.join("\n"))
              .then(() => setCopied("Copied."))
              .catch(() => setCopied("Copying was refused: select the codes and copy them yourself."))
          }
        >
          Copy codes
        </button>
        <button type="button" className="primary" onClick={onDone}>
          I have saved them
        </button>
      </div>
      <p role="status">{copied}</p>
    </section>
  );
}
