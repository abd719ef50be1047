// oneID with a resident, through the client library a service provider would use: a resident
// registers and verifies the address with the mailed link (read from the server's outbox), then
// openid-client runs the authorization code flow with PKCE while this test posts the sign-in and
// consent forms as a browser would (cookies, CSRF token, 303 redirects). Then: the ID token
// checked by openid-client and by jose against the JWKS, userinfo, refresh with rotation and
// reuse detection, and RP-initiated logout.
//
// Run: TSUNAGU_BINARY=path/to/tsunagu node --test tests/oidc/
// (CTest runs it as OidcNodeCodeFlow; `npm ci --prefix tests/oidc` installs the libraries.)

import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'

import { createRemoteJWKSet, jwtVerify } from 'jose'
import * as client from 'openid-client'

const binary = process.env.TSUNAGU_BINARY
const REDIRECT_URI = 'http://127.0.0.1:9/callback'
const EMAIL = 'hanako@example.jp'
const PASSWORD = 'kawa no nagare wa taezu shite'
const STEP_TIMEOUT_MS = 30_000

const state = { dir: undefined, server: undefined, log: '', exited: undefined, issuer: undefined }

async function addPublicClient(dataDir) {
  const { stdout } = await promisify(execFile)(binary, [
    'clients', 'add', '--data-dir', dataDir, '--name', 'Osaka resident portal', '--public',
    '--scope', 'openid', '--scope', 'profile', '--scope', 'email', '--scope', 'ngsi-ld:read',
    '--redirect-uri', REDIRECT_URI,
  ], { timeout: STEP_TIMEOUT_MS })
  const id = /^client_id=(.+)$/m.exec(stdout)
  assert.ok(id, `tsunagu clients add printed no client_id:\n${stdout}`)
  return id[1].trim()
}

async function startServer(dataDir, readyFile) {
  const server = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir,
    '--ready-file', readyFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  state.server = server
  server.stdout.on('data', (chunk) => { state.log += chunk })
  server.stderr.on('data', (chunk) => { state.log += chunk })
  state.exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })))
  const deadline = Date.now() + STEP_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`tsunagu exited before it was ready:\n${state.log}`)
    const text = await readFile(readyFile, 'utf8').catch(() => '')
    if (text.includes('\n')) return text.split('\n')[0].trim()
    await sleep(20)
  }
  throw new Error(`tsunagu wrote no ready file within ${STEP_TIMEOUT_MS} ms:\n${state.log}`)
}

async function stopServer() {
  const server = state.server
  if (!server || server.exitCode !== null || server.signalCode !== null) return
  server.kill('SIGTERM')
  const stopped = await Promise.race([state.exited, sleep(10_000, undefined, { ref: false })])
  if (!stopped) server.kill('SIGKILL')
}
process.once('exit', () => { if (state.server && state.server.exitCode === null) state.server.kill('SIGKILL') })

// A browser's cookie jar, enough for one origin.
class Browser {
  cookies = new Map()

  async request(url, { method = 'GET', form } = {}) {
    const headers = {}
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    let body
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(form).toString()
    }
    const res = await fetch(new URL(url, state.issuer), { method, headers, body, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const [name, value] = pair.split('=')
      const expired = attributes.some((a) => /^\s*max-age=0$/i.test(a))
      if (expired) this.cookies.delete(name.trim())
      else this.cookies.set(name.trim(), value.trim())
    }
    return { status: res.status, location: res.headers.get('location'), html: await res.text(), headers: res.headers }
  }
}

// The value of the hidden input `name` in a page; undefined when there is none.
function hidden(html, name) {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)
  if (!input) return undefined
  const value = /value="([^"]*)"/.exec(input[0])
  return value ? value[1].replaceAll('&amp;', '&').replaceAll('&quot;', '"') : undefined
}

// The newest mail in the outbox to `to`, decoded (the body is base64).
async function lastMailTo(to) {
  const dir = path.join(state.dir, 'data', 'outbox')
  const files = (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort()
  for (const file of files.reverse()) {
    const raw = await readFile(path.join(dir, file), 'utf8')
    const [head, body] = raw.split('\r\n\r\n')
    if (!new RegExp(`^To: ${to}$`, 'mi').test(head)) continue
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  }
  throw new Error(`no mail to ${to} in ${dir}`)
}

function linkIn(text, pathPrefix) {
  const match = new RegExp(`https?://\\S+${pathPrefix}\\S+`).exec(text)
  assert.ok(match, `no ${pathPrefix} link in:\n${text}`)
  return match[0]
}

describe('oneID with openid-client: a resident signs in (code flow with PKCE)', { timeout: 180_000 }, () => {
  const flow = {}
  const browser = new Browser()

  before(async () => {
    assert.ok(binary, 'TSUNAGU_BINARY must name the tsunagu binary')
    state.dir = await mkdtemp(path.join(tmpdir(), 'tsunagu-oidc-code-'))
    const dataDir = path.join(state.dir, 'data')
    flow.clientId = await addPublicClient(dataDir)
    state.issuer = `http://${await startServer(dataDir, path.join(state.dir, 'ready'))}`
    flow.config = await client.discovery(new URL(state.issuer), flow.clientId, undefined, client.None(),
      { execute: [client.allowInsecureRequests], timeout: 10 })
  }, { timeout: 2 * STEP_TIMEOUT_MS })

  after(async () => {
    await stopServer()
    if (state.dir) await rm(state.dir, { recursive: true, force: true })
  }, { timeout: 20_000 })

  it('registers a resident, who verifies the address with the mailed link', { timeout: STEP_TIMEOUT_MS }, async () => {
    const page = await browser.request('/account/register')
    assert.equal(page.status, 200)
    const done = await browser.request('/account/register', {
      method: 'POST',
      form: { csrf: hidden(page.html, 'csrf'), email: EMAIL, password: PASSWORD, name: '山田 花子' },
    })
    assert.equal(done.status, 200, done.html)
    const verify = await browser.request(linkIn(await lastMailTo(EMAIL), '/account/verify'))
    assert.equal(verify.status, 200, verify.html)
  })

  it('signs in and consents; openid-client exchanges the code with its PKCE verifier', { timeout: STEP_TIMEOUT_MS }, async () => {
    flow.verifier = client.randomPKCECodeVerifier()
    flow.state = client.randomState()
    flow.nonce = client.randomNonce()
    const url = client.buildAuthorizationUrl(flow.config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email profile ngsi-ld:read',
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    })
    const login = await browser.request(url)
    assert.equal(login.status, 200, `${login.location}`)
    const request = hidden(login.html, 'request')
    assert.ok(request, 'the sign-in page carries the pending request')
    const consent = await browser.request('/account/login', {
      method: 'POST',
      form: { csrf: hidden(login.html, 'csrf'), request, email: EMAIL, password: PASSWORD },
    })
    assert.equal(consent.status, 200, `${consent.location}`)
    assert.ok(consent.html.includes('Osaka resident portal'), 'the consent page names the client')
    const back = await browser.request('/oauth2/consent', {
      method: 'POST',
      form: { csrf: hidden(consent.html, 'csrf'), request: hidden(consent.html, 'request'), decision: 'allow' },
    })
    assert.equal(back.status, 303, back.html)
    assert.ok(back.location.startsWith(`${REDIRECT_URI}?`), back.location)
    flow.tokens = await client.authorizationCodeGrant(flow.config, new URL(back.location), {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    })
    assert.equal(flow.tokens.token_type, 'bearer')
    assert.ok(flow.tokens.refresh_token)
    const claims = flow.tokens.claims()
    assert.equal(claims.iss, state.issuer)
    assert.equal(claims.aud, flow.clientId)
    assert.equal(claims.nonce, flow.nonce)
    assert.deepEqual(claims.amr, ['pwd'])
    flow.subject = claims.sub
  })

  it('a second authorization goes straight back with a code (session and consent kept)', { timeout: STEP_TIMEOUT_MS }, async () => {
    const verifier = client.randomPKCECodeVerifier()
    const url = client.buildAuthorizationUrl(flow.config, {
      redirect_uri: REDIRECT_URI, scope: 'openid email', state: 'again',
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    })
    const back = await browser.request(url)
    assert.equal(back.status, 303, back.html)
    const tokens = await client.authorizationCodeGrant(flow.config, new URL(back.location),
      { pkceCodeVerifier: verifier, expectedState: 'again' })
    assert.equal(tokens.claims().sub, flow.subject)
  })

  it('the ID token verifies against the JWKS with jose; the access token is not an ID token', { timeout: STEP_TIMEOUT_MS }, async () => {
    const jwks = createRemoteJWKSet(new URL(flow.config.serverMetadata().jwks_uri))
    const { payload, protectedHeader } = await jwtVerify(flow.tokens.id_token, jwks,
      { issuer: state.issuer, audience: flow.clientId, algorithms: ['ES256'] })
    assert.equal(protectedHeader.typ, 'JWT')
    assert.equal(payload.sub, flow.subject)
    const access = await jwtVerify(flow.tokens.access_token, jwks, { issuer: state.issuer, typ: 'at+jwt' })
    assert.equal(access.payload.sub, flow.subject)
    assert.equal(access.payload.client_id, flow.clientId)
  })

  it('userinfo gives the claims the scopes allow; the access token reads NGSI-LD', { timeout: STEP_TIMEOUT_MS }, async () => {
    const info = await client.fetchUserInfo(flow.config, flow.tokens.access_token, flow.subject)
    assert.equal(info.email, EMAIL)
    assert.equal(info.email_verified, true)
    assert.equal(info.name, '山田 花子')
    const res = await client.fetchProtectedResource(flow.config, flow.tokens.access_token,
      new URL('/ngsi-ld/v1/types', state.issuer), 'GET')
    assert.equal(res.status, 200)
  })

  it('refresh rotates the token; reusing the old one ends the whole grant', { timeout: STEP_TIMEOUT_MS }, async () => {
    const first = flow.tokens.refresh_token
    const refreshed = await client.refreshTokenGrant(flow.config, first)
    assert.notEqual(refreshed.refresh_token, first)
    assert.equal(refreshed.claims().sub, flow.subject)
    await assert.rejects(client.refreshTokenGrant(flow.config, first), (err) => {
      assert.equal(err.error, 'invalid_grant', `${err}`)
      return true
    })
    // The successor was revoked with its family.
    await assert.rejects(client.refreshTokenGrant(flow.config, refreshed.refresh_token), (err) => {
      assert.equal(err.error, 'invalid_grant', `${err}`)
      return true
    })
  })

  it('RP-initiated logout ends the session and goes back to the client', { timeout: STEP_TIMEOUT_MS }, async () => {
    assert.ok(browser.cookies.has('tsunagu_session'))
    const url = client.buildEndSessionUrl(flow.config, {
      id_token_hint: flow.tokens.id_token, post_logout_redirect_uri: REDIRECT_URI, state: 'bye',
    })
    const back = await browser.request(url)
    assert.equal(back.status, 303, back.html)
    assert.equal(back.location, `${REDIRECT_URI}?state=bye`)
    assert.ok(!browser.cookies.has('tsunagu_session'), 'the session cookie is cleared')
    // Signed out: a new authorization shows the sign-in page again.
    const again = client.buildAuthorizationUrl(flow.config, {
      redirect_uri: REDIRECT_URI, scope: 'openid', state: 's',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    })
    const page = await browser.request(again)
    assert.equal(page.status, 200)
    assert.ok(hidden(page.html, 'request'))
  })

  it('the server is still up and stops cleanly', { timeout: 20_000 }, async () => {
    assert.equal((await fetch(new URL('/health', state.issuer))).status, 200)
    await stopServer()
    assert.deepEqual(await state.exited, { code: 0, signal: null }, state.log)
  })
})
