export const roles = ["customer", "agent", "admin"] as const;
export type Role = (typeof roles)[number];

/** Who is acting. Every use case receives one and asks the module's policy before doing anything. */
export type Actor =
  | { kind: "person"; personId: string; role: Role; organizationId: string | null }
  | { kind: "system"; reason: string }
  | { kind: "anonymous" };

export type PersonActor = Extract<Actor, { kind: "person" }>;

export const systemActor = (reason: string): Actor => ({ kind: "system", reason });
export const anonymousActor: Actor = { kind: "anonymous" };
