// A real OpenID Provider (node's certified oidc-provider) for the single sign-on tests.
//
//   PORT=... CLIENT_ID=... CLIENT_SECRET=... REDIRECT_URIS=uri[,uri] node provider.mjs
//
// Issuer http://127.0.0.1:PORT; one confidential client that must use PKCE (S256); the login
// and consent forms of oidc-provider's devInteractions (any password; the login names one of
// ACCOUNTS). It also answers a discovery document at /mix-up, naming the issuer
// http://127.0.0.1:PORT/mix-up while every endpoint and key in it are this provider's: a client
// configured with that issuer receives ID tokens of another issuer.
import { generateKeyPairSync } from 'node:crypto';

import Provider from 'oidc-provider';

const { PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS } = process.env;
const ISSUER = `http://127.0.0.1:${PORT}`;
const MIX_UP = '/mix-up';

const ACCOUNTS = {
  citta: { email: 'citta@rete-qubi.example', email_verified: true },
  unverified: { email: 'citta@rete-qubi.example', email_verified: false },
  stranger: { email: 'nobody@elsewhere.example', email_verified: true },
};

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const provider = new Provider(ISSUER, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: REDIRECT_URIS.split(','),
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  pkce: { methods: ['S256'], required: () => true },
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: ['test-only-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  async findAccount(ctx, sub) {
    if (!(sub in ACCOUNTS)) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...ACCOUNTS[sub] }) };
  },
});

provider.use(async (ctx, next) => {
  if (ctx.path !== `${MIX_UP}/.well-known/openid-configuration`) return next();
  ctx.path = '/.well-known/openid-configuration';
  await next();
  ctx.body = { ...ctx.body, issuer: `${ISSUER}${MIX_UP}` };
});

provider.listen(Number(PORT), '127.0.0.1', () => console.log(`listening at ${ISSUER}`));
