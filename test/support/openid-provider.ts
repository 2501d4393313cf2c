import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type JWK } from "oidc-provider";

/** What the provider says about one of its users. */
export interface ProviderAccount {
  email: string;
  emailVerified: boolean;
  name?: string;
}

/**
 * A real OpenID provider (panva's oidc-provider, the certified implementation) on 127.0.0.1 at a
 * random port: discovery, JWKS, RS256-signed ID tokens, token and UserInfo endpoints, PKCE. Only
 * its login screen is replaced: `signIn` plays a browser that signs in as the account it names.
 */
export interface TestOpenIdProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** By subject; change an entry to change what the provider asserts from the next sign-in on. */
  accounts: Map<string, ProviderAccount>;
  /**
   * Follows Tend's redirect to the provider as a browser would, signs `subject` in, and returns the
   * address the provider sends the browser back to (Tend's callback, with code and state).
   */
  signIn(authorizationUrl: string, subject: string): Promise<URL>;
  close(): Promise<void>;
}

export async function startOpenIdProvider(options: { redirectUri: string }): Promise<TestOpenIdProvider> {
  const accounts = new Map<string, ProviderAccount>();
  const clientId = "tend";
  const clientSecret = randomBytes(24).toString("base64url");
  let provider: Provider | undefined;
  // The subject the current browser signs in as: sign-ins in a test run one after another.
  let signingIn: string | undefined;

  const server = createServer((request, response) => {
    if (!provider) return response.writeHead(503).end();
    if (request.url?.startsWith("/interaction/")) {
      interact(provider, request, response).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
      return;
    }
    provider.callback()(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "test", alg: "RS256", use: "sig" };
  provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [signingKey as JWK] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    // Explicit lifetimes, in seconds (the defaults print a notice each).
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
    },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: account.email,
          email_verified: account.emailVerified,
          ...(account.name ? { name: account.name } : {}),
        }),
      };
    },
  });

  async function interact(idp: Provider, request: IncomingMessage, response: ServerResponse) {
    const details = await idp.interactionDetails(request, response);
    if (details.prompt.name === "login") {
      if (!signingIn) throw new Error("nobody is signing in");
      await idp.interactionFinished(request, response, { login: { accountId: signingIn } });
      return;
    }
    // Tend is the provider's own first-party client here: the user consents to what it asks.
    const grant = new idp.Grant({ accountId: details.session?.accountId ?? "", clientId });
    grant.addOIDCScope(String(details.params.scope));
    await idp.interactionFinished(
      request,
      response,
      { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true },
    );
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    async signIn(authorizationUrl, subject) {
      signingIn = subject;
      // A fresh browser per sign-in: no provider session carries one person into the next test.
      const cookies = new Map<string, string>();
      let next = new URL(authorizationUrl);
      for (let hop = 0; hop < 10; hop += 1) {
        if (next.href.startsWith(options.redirectUri)) return next;
        const answer = await fetch(next, {
          redirect: "manual",
          headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join("; ") },
        });
        for (const line of answer.headers.getSetCookie()) {
          const [pair = ""] = line.split(";");
          const name = pair.slice(0, pair.indexOf("="));
          const value = pair.slice(pair.indexOf("=") + 1);
          if (value === "") cookies.delete(name);
          else cookies.set(name, value);
        }
        const location = answer.headers.get("location");
        if (!location)
          throw new Error(`the provider stopped at ${next.href}: ${answer.status} ${await answer.text()}`);
        next = new URL(location, next);
      }
      throw new Error("the provider redirected more than ten times");
    },
    async close() {
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
