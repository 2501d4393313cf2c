import type { CustomerTicketVisibility } from "./organization.js";
import type { TokenScope } from "./token-scopes.js";

export const roles = ["customer", "agent", "admin"] as const;
export type Role = (typeof roles)[number];

/** Who is acting. Every use case receives one and asks the module's policy before doing anything. */
export type Actor =
  | {
      kind: "person";
      personId: string;
      /** The role this request acts with: an admin's token without the `admin` scope acts as an agent. */
      role: Role;
      organizationId: string | null;
      /**
       * The organization's setting, read with the session or token on every request: `requester`
       * narrows a customer's tenant scope to the tickets they requested (`tenant-scope.ts`).
       */
      ticketVisibility?: CustomerTicketVisibility;
      /** Present when the person acts through an API token. */
      token?: { id: string; scopes: TokenScope[] };
      /** A session of someone an admin requires a second factor of, who has none yet: may only enrol. */
      mustEnrollTwoFactor?: true;
    }
  | { kind: "system"; reason: string }
  | { kind: "anonymous" };

export type PersonActor = Extract<Actor, { kind: "person" }>;

export const systemActor = (reason: string): Actor => ({ kind: "system", reason });
export const anonymousActor: Actor = { kind: "anonymous" };
