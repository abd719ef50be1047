// oneID with the client libraries a service provider would use: openid-client discovers the
// issuer, obtains a token with the client_credentials grant, introspects and revokes it; jose
// verifies the token against the discovered JWKS. The broker accepts the token on NGSI-LD and
// refuses it once revoked.
//
// Run: TSUNAGU_BINARY=path/to/tsunagu node --test tests/oidc/
// (CTest runs it as OidcNodeClientCredentials; `npm ci --prefix tests/oidc` installs the libraries.)

import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'

import { createRemoteJWKSet, jwtVerify } from 'jose'
import * as client from 'openid-client'

const binary = process.env.TSUNAGU_BINARY
const SCOPE = 'ngsi-ld:read ngsi-ld:write'
const STEP_TIMEOUT_MS = 30_000

// Everything the steps share: the server, the client and the token they pass along.
const state = {
  dir: undefined,
  server: undefined,
  log: '',
  exited: undefined, // a promise of the server's exit
  issuer: undefined,
  clientId: undefined,
  clientSecret: undefined,
  config: undefined,
  token: undefined,
  entityId: `urn:ngsi-ld:Shelter:oidc-node-${process.pid}`,
}

async function addClient(dataDir) {
  const { stdout } = await promisify(execFile)(
    binary,
    [
      'clients', 'add', '--data-dir', dataDir, '--name', 'openid-client test',
      '--scope', 'ngsi-ld:read', '--scope', 'ngsi-ld:write',
    ],
    { timeout: STEP_TIMEOUT_MS },
  )
  const id = /^client_id=(.+)$/m.exec(stdout)
  const secret = /^client_secret=(.+)$/m.exec(stdout)
  assert.ok(id && secret, `tsunagu clients add printed no credentials:\n${stdout}`)
  return { clientId: id[1].trim(), clientSecret: secret[1].trim() }
}

// Starts `tsunagu serve` (tokens required) and waits for its ready file, which holds host:port.
async function startServer(dataDir, readyFile) {
  const server = spawn(
    binary,
    ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--ready-file', readyFile],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  state.server = server
  server.stdout.on('data', (chunk) => { state.log += chunk })
  server.stderr.on('data', (chunk) => { state.log += chunk })
  state.exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })))
  let exit
  state.exited.then((e) => { exit = e })
  const deadline = Date.now() + STEP_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (exit) throw new Error(`tsunagu exited before it was ready (${JSON.stringify(exit)}):\n${state.log}`)
    const text = await readFile(readyFile, 'utf8').catch(() => '')
    if (text.includes('\n')) return text.split('\n')[0].trim()
    await sleep(20)
  }
  throw new Error(`tsunagu wrote no ready file within ${STEP_TIMEOUT_MS} ms:\n${state.log}`)
}

// SIGTERM, then SIGKILL if it has not stopped within 10 s.
async function stopServer() {
  const server = state.server
  if (!server || server.exitCode !== null || server.signalCode !== null) return
  server.kill('SIGTERM')
  // Unreferenced timers: they must not keep the test process alive once the server is gone.
  const stopped = await Promise.race([state.exited, sleep(10_000, undefined, { ref: false })])
  if (!stopped) {
    server.kill('SIGKILL')
    await Promise.race([state.exited, sleep(5_000, undefined, { ref: false })])
  }
}

// A last resort should the test runner itself end early or be stopped: never leave the server
// behind.
function killServerNow() {
  if (state.server && state.server.exitCode === null && state.server.signalCode === null) {
    state.server.kill('SIGKILL')
  }
}
process.once('exit', killServerNow)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killServerNow()
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15))
  })
}

function entityUrl(id) {
  return new URL(`/ngsi-ld/v1/entities/${encodeURIComponent(id)}`, state.issuer)
}

describe('oneID with openid-client and jose (client_credentials)', { timeout: 120_000 }, () => {
  before(async () => {
    assert.ok(binary, 'TSUNAGU_BINARY must name the tsunagu binary')
    state.dir = await mkdtemp(path.join(tmpdir(), 'tsunagu-oidc-node-'))
    const dataDir = path.join(state.dir, 'data')
    Object.assign(state, await addClient(dataDir))
    const address = await startServer(dataDir, path.join(state.dir, 'ready'))
    state.issuer = `http://${address}`
  }, { timeout: 2 * STEP_TIMEOUT_MS })

  after(async () => {
    await stopServer()
    if (state.dir) await rm(state.dir, { recursive: true, force: true })
  }, { timeout: 20_000 })

  it('discovers the issuer', { timeout: STEP_TIMEOUT_MS }, async () => {
    state.config = await client.discovery(
      new URL(state.issuer),
      state.clientId,
      state.clientSecret,
      client.ClientSecretBasic(state.clientSecret),
      // The test server speaks plain HTTP on loopback.
      { execute: [client.allowInsecureRequests], timeout: 10 },
    )
    const metadata = state.config.serverMetadata()
    assert.equal(metadata.issuer, state.issuer)
    assert.equal(metadata.token_endpoint, `${state.issuer}/oauth2/token`)
    assert.equal(metadata.jwks_uri, `${state.issuer}/oauth2/jwks`)
    assert.equal(metadata.introspection_endpoint, `${state.issuer}/oauth2/introspect`)
    assert.equal(metadata.revocation_endpoint, `${state.issuer}/oauth2/revoke`)
    assert.ok(metadata.grant_types_supported.includes('client_credentials'))
  })

  it('obtains a token with the client_credentials grant', { timeout: STEP_TIMEOUT_MS }, async () => {
    const tokens = await client.clientCredentialsGrant(state.config, { scope: SCOPE })
    assert.equal(tokens.token_type, 'bearer')
    assert.equal(tokens.scope, SCOPE)
    assert.equal(typeof tokens.access_token, 'string')
    assert.ok(tokens.expiresIn() > 0 && tokens.expiresIn() <= 600, `expires in ${tokens.expiresIn()}`)
    state.token = tokens.access_token
  })

  it('also authenticates with client_secret_post', { timeout: STEP_TIMEOUT_MS }, async () => {
    const post = await client.discovery(
      new URL(state.issuer),
      state.clientId,
      state.clientSecret,
      client.ClientSecretPost(state.clientSecret),
      { execute: [client.allowInsecureRequests], timeout: 10 },
    )
    const tokens = await client.clientCredentialsGrant(post, { scope: 'ngsi-ld:read' })
    assert.equal(tokens.scope, 'ngsi-ld:read')
  })

  it('refuses a wrong secret as invalid_client', { timeout: STEP_TIMEOUT_MS }, async () => {
    const wrong = await client.discovery(
      new URL(state.issuer),
      state.clientId,
      'not-the-secret',
      client.ClientSecretBasic('not-the-secret'),
      { execute: [client.allowInsecureRequests], timeout: 10 },
    )
    // A 401 with a challenge (RFC 6749 5.2: the client used HTTP Basic) is reported as the
    // challenge; the body still says invalid_client.
    const err = await client.clientCredentialsGrant(wrong, { scope: SCOPE }).then(
      () => assert.fail('a wrong secret got a token'),
      (e) => e,
    )
    assert.equal(err.status, 401, `${err}`)
    assert.ok(err instanceof client.WWWAuthenticateChallengeError, `${err}`)
    assert.ok(err.cause.some((c) => c.scheme === 'basic'), JSON.stringify(err.cause))
    assert.equal((await err.response.json()).error, 'invalid_client')
  })

  it('issues a JWT that jose verifies against the discovered JWKS', { timeout: STEP_TIMEOUT_MS }, async () => {
    const metadata = state.config.serverMetadata()
    const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri))
    const { payload, protectedHeader } = await jwtVerify(state.token, jwks, {
      issuer: metadata.issuer,
      audience: metadata.issuer,
      algorithms: ['ES256'],
      typ: 'at+jwt',
    })
    assert.equal(protectedHeader.alg, 'ES256')
    assert.ok(protectedHeader.kid)
    assert.equal(payload.client_id, state.clientId)
    assert.equal(payload.sub, state.clientId)
    assert.equal(payload.scope, SCOPE)
    assert.ok(payload.jti)
    assert.ok(payload.exp > payload.iat)
    // Another audience is refused: the check above means something.
    await assert.rejects(
      jwtVerify(state.token, jwks, { issuer: metadata.issuer, audience: 'https://other.example', algorithms: ['ES256'] }),
      { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
    )
  })

  it('writes and reads NGSI-LD with the token', { timeout: STEP_TIMEOUT_MS }, async () => {
    const created = await client.fetchProtectedResource(
      state.config,
      state.token,
      new URL('/ngsi-ld/v1/entities', state.issuer),
      'POST',
      JSON.stringify({ id: state.entityId, type: 'Shelter', name: { type: 'Property', value: 'oneID' } }),
      new Headers({ 'content-type': 'application/json' }),
    )
    assert.equal(created.status, 201, await created.text())
    const read = await client.fetchProtectedResource(state.config, state.token, entityUrl(state.entityId), 'GET')
    assert.equal(read.status, 200)
    const entity = await read.json()
    assert.equal(entity.id, state.entityId)
    assert.equal(entity.name.value, 'oneID')
  })

  it('introspects the token as active', { timeout: STEP_TIMEOUT_MS }, async () => {
    const info = await client.tokenIntrospection(state.config, state.token)
    assert.equal(info.active, true)
    assert.equal(info.client_id, state.clientId)
    assert.equal(info.scope, SCOPE)
    assert.equal(info.iss, state.issuer)
  })

  it('revokes the token; the broker then refuses it', { timeout: STEP_TIMEOUT_MS }, async () => {
    await client.tokenRevocation(state.config, state.token)
    const info = await client.tokenIntrospection(state.config, state.token)
    assert.equal(info.active, false)
    // openid-client reports the 401 as the challenge it parsed (RFC 6750 3.1).
    await assert.rejects(
      client.fetchProtectedResource(state.config, state.token, entityUrl(state.entityId), 'GET'),
      (err) => {
        assert.equal(err.status, 401, `${err}`)
        const bearer = err.cause.find((c) => c.scheme === 'bearer')
        assert.ok(bearer, JSON.stringify(err.cause))
        assert.equal(bearer.parameters.error, 'invalid_token')
        return true
      },
    )
    // And without the library: a plain 401 ProblemDetails.
    const res = await fetch(entityUrl(state.entityId), { headers: { authorization: `Bearer ${state.token}` } })
    assert.equal(res.status, 401)
    assert.equal((await res.json()).type, 'about:blank')
  })

  it('the server is still up and stops cleanly', { timeout: 20_000 }, async () => {
    const health = await fetch(new URL('/health', state.issuer))
    assert.equal(health.status, 200)
    await stopServer()
    const exit = await state.exited
    assert.deepEqual(exit, { code: 0, signal: null }, state.log)
  })
})
