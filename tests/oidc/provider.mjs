// A real OpenID Connect provider (the npm oidc-provider) for the identity tests: it plays
// the SPID/CIE gateway on 127.0.0.1. Usage: node provider.mjs CONFIG.json
//
// CONFIG: {"port", "client_id", "client_secret", "redirect_uri", "identities": {id: {"acr",
// "claims": {...}}}}. Its login page lists the identities, one button each; the chosen
// identity's claims (fiscalNumber, names, e-mail...) and acr go into the id_token.
// GET /forged-jwks serves a key with the provider's key id but other key material: an
// id_token checked against it is a forged one.
import Provider from "oidc-provider";
import {generateKeyPairSync} from "node:crypto";
import http from "node:http";
import {readFileSync} from "node:fs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const issuer = `http://127.0.0.1:${config.port}`;
const KID = "identity-test-key";

function jwk() {
  const {privateKey} = generateKeyPairSync("rsa", {modulusLength: 2048});
  return {...privateKey.export({format: "jwk"}), kid: KID, use: "sig", alg: "RS256"};
}
const signingKey = jwk();
const forged = jwk();
const forgedPublic = {
  kty: forged.kty,
  n: forged.n,
  e: forged.e,
  kid: KID,
  use: "sig",
  alg: "RS256",
};

const claimNames = [
  "fiscalNumber",
  "given_name",
  "family_name",
  "email",
  "phone_number",
];

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.client_id,
      client_secret: config.client_secret,
      redirect_uris: [config.redirect_uri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  jwks: {keys: [signingKey]},
  cookies: {keys: ["identity-tests-only"]},
  // The claims go into the id_token itself: auth_oidc reads only the id_token
  conformIdTokenClaims: false,
  claims: {
    // The level of assurance in every id_token, as SPID/CIE gateways send it
    openid: ["sub", "acr"],
    profile: ["given_name", "family_name", "fiscalNumber"],
    email: ["email"],
    phone: ["phone_number"],
  },
  acrValues: [
    "https://www.spid.gov.it/SpidL1",
    "https://www.spid.gov.it/SpidL2",
    "https://www.spid.gov.it/SpidL3",
  ],
  features: {devInteractions: {enabled: false}},
  pkce: {required: () => true},
  async findAccount(ctx, id) {
    const identity = config.identities[id];
    if (!identity) return undefined;
    return {
      accountId: id,
      async claims() {
        const claims = {sub: id};
        for (const name of claimNames) {
          if (identity.claims[name] !== undefined) claims[name] = identity.claims[name];
        }
        return claims;
      },
    };
  },
  // The service is the gateway's own client: no consent screen at the provider
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid profile email phone");
    grant.addOIDCClaims(claimNames);
    await grant.save();
    return grant;
  },
});

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === "POST") {
    let body = "";
    for await (const chunk of req) body += chunk;
    const id = new URLSearchParams(body).get("identity");
    const identity = config.identities[id];
    if (!identity) {
      res.writeHead(400).end("unknown identity");
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      {login: {accountId: id, acr: identity.acr}},
      {mergeWithLastSubmission: false}
    );
    return;
  }
  const buttons = Object.keys(config.identities)
    .map(
      (id) =>
        `<button type="submit" name="identity" value="${escape(id)}" id="identity-${escape(id)}">${escape(id)}</button>`
    )
    .join("\n");
  res.writeHead(200, {"Content-Type": "text/html; charset=utf-8"});
  res.end(`<!doctype html><html lang="it"><title>Test identity provider</title>
<h1>Choose a test identity</h1><form method="post" action="/interaction/${escape(details.uid)}">${buttons}</form></html>`);
}

const callback = provider.callback();
http
  .createServer((req, res) => {
    if (req.url === "/forged-jwks") {
      res.writeHead(200, {"Content-Type": "application/json"});
      res.end(JSON.stringify({keys: [forgedPublic]}));
      return;
    }
    if (req.url.startsWith("/interaction/")) {
      interaction(req, res).catch((error) => {
        res.writeHead(500).end(String(error));
      });
      return;
    }
    callback(req, res);
  })
  .listen(config.port, "127.0.0.1", () => {
    console.log(`ready ${issuer}`);
  });
