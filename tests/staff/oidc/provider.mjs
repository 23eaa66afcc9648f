// A real OpenID Connect provider (npm package oidc-provider) for the staff app's sign-in tests.
// Test use only: listens on 127.0.0.1, keeps everything in memory, generates its signing keys.
//
//   OIDC_PORT=9400 OIDC_REDIRECT_URI=https://testserver/staff/auth/oidc/callback \
//   OIDC_CLIENT_ID=bildungslotse OIDC_CLIENT_SECRET=... \
//   OIDC_ACCOUNTS='{"anna": {"email": "anna@example.de", "name": "Anna", "groups": ["bl-beratung"], "office": "bb"}}' \
//   node provider.mjs
//
// The login page is a plain form (POST /interaction/<uid>/login, field "login" = an account
// key of OIDC_ACCOUNTS; no password: the provider under test is not the subject). Consent is
// granted for the scopes the client asked for. PKCE is required for every client.
import { createServer } from "node:http";
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS ?? "{}");

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  // scope -> claims; groups and office come with "openid", as at the district's provider
  claims: {
    openid: ["sub", "groups", "office"],
    email: ["email", "email_verified"],
    profile: ["name"],
  },
  async findAccount(_ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, email_verified: true, ...account }; } };
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ["test-only-cookie-key"] },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
});
provider.on("server_error", (_ctx, err) => console.error("server_error", err));

function page(res, status, body) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!doctype html><html lang="en"><title>Test IdP</title><body>${body}</body></html>`);
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params, session } = details;
  if (req.method === "GET" && prompt.name === "login") {
    return page(res, 200, `<form method="post" action="/interaction/${uid}/login">
      <label>Login <input name="login"></label><button>Sign in</button></form>`);
  }
  if (req.method === "POST" && req.url.endsWith("/login")) {
    const login = (await readForm(req)).get("login");
    if (!accounts[login]) return page(res, 400, "unknown account");
    return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }
  if (prompt.name === "consent") {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(" "));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return page(res, 400, `unexpected prompt ${prompt.name}`);
}

const callback = provider.callback();
createServer((req, res) => {
  if (req.url.startsWith("/interaction/")) {
    interaction(req, res).catch((err) => { console.error(err); page(res, 500, "error"); });
    return;
  }
  callback(req, res);
}).listen(port, "127.0.0.1", () => console.log(`oidc-provider ready on ${issuer}`));
