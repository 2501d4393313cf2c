import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import {
  ApiError,
  abandonRequestsInFlight,
  api,
  type PersonView,
  setCsrfToken,
  whenSignedOut,
  whenTwoFactorEnrollmentRequired,
} from "./api.js";

type SignedIn = PersonView & { csrfToken: string; twoFactorEnrollmentRequired: boolean };
interface SecondFactorRequired {
  secondFactorRequired: true;
  challenge: string;
  expiresAt: string;
}

export type SignInOutcome = { kind: "signed-in" } | { kind: "second-factor"; challenge: string };

interface Session {
  /** undefined while the first /auth/session answer is on its way. */
  person: PersonView | null | undefined;
  /** An admin requires a second factor this person has not set up: only enrolment is open to them. */
  twoFactorEnrollmentRequired: boolean;
  /** Enrolment confirmed: the workspace opens. */
  twoFactorEnrolled(): void;
  signIn(email: string, password: string): Promise<SignInOutcome>;
  /** A customer's emailed one-time link (the portal's /portal/sign-in?token=…). */
  signInWithLink(token: string): Promise<SignInOutcome>;
  finishSecondFactor(challenge: string, code: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [person, setPerson] = useState<PersonView | null | undefined>(undefined);
  const [twoFactorEnrollmentRequired, setTwoFactorEnrollmentRequired] = useState(false);

  const adopt = useCallback((signedIn: SignedIn) => {
    const { csrfToken, twoFactorEnrollmentRequired: mustEnroll, ...rest } = signedIn;
    setCsrfToken(csrfToken);
    setTwoFactorEnrollmentRequired(mustEnroll);
    setPerson(rest);
  }, []);

  useEffect(() => {
    whenSignedOut(() => {
      setCsrfToken(null);
      setPerson(null);
    });
    whenTwoFactorEnrollmentRequired(() => setTwoFactorEnrollmentRequired(true));
    api<{ person: PersonView; csrfToken: string | null; twoFactorEnrollmentRequired: boolean }>(
      "GET",
      "/auth/session",
    )
      .then((session) => {
        setCsrfToken(session.csrfToken);
        setTwoFactorEnrollmentRequired(session.twoFactorEnrollmentRequired);
        setPerson(session.person);
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) setPerson(null);
        else throw error;
      });
  }, []);

  const value = useMemo<Session>(
    () => ({
      person,
      twoFactorEnrollmentRequired,
      twoFactorEnrolled: () => setTwoFactorEnrollmentRequired(false),
      async signIn(email, password) {
        const answer = await api<SignedIn | SecondFactorRequired>("POST", "/auth/login", { email, password });
        if ("secondFactorRequired" in answer) return { kind: "second-factor", challenge: answer.challenge };
        adopt(answer);
        return { kind: "signed-in" };
      },
      async signInWithLink(token) {
        const answer = await api<SignedIn | SecondFactorRequired>("POST", "/auth/sign-in-link/redeem", {
          token,
        });
        if ("secondFactorRequired" in answer) return { kind: "second-factor", challenge: answer.challenge };
        adopt(answer);
        return { kind: "signed-in" };
      },
      async finishSecondFactor(challenge, code) {
        adopt(await api<SignedIn>("POST", "/auth/sign-in/second-factor", { challenge, code }));
      },
      async signOut() {
        // Leave the signed-in pages before the session ends: a live update arriving meanwhile would
        // otherwise reload the open ticket and views into a row of 401s.
        setPerson(null);
        abandonRequestsInFlight();
        try {
          await api<void>("POST", "/auth/logout");
        } finally {
          setCsrfToken(null);
        }
      },
    }),
    [person, twoFactorEnrollmentRequired, adopt],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}

/** The signed-in person, for pages that only render inside the signed-in layout. */
export function useMe(): PersonView {
  const { person } = useSession();
  if (!person) throw new Error("useMe while signed out");
  return person;
}
