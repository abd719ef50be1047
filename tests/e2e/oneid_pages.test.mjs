// oneID's resident pages in a real browser: Debian's chromium, driven by playwright-core, with a
// Japanese locale. A resident registers, opens the mailed link (read from the server's outbox),
// switches the sign-in page to English and back, mistypes the password, then signs in through
// the authorization code flow with PKCE of a public client, consents and lands on the client's
// callback (a small HTTP server of this test) with the code and the state; then the account
// page, and from it the pages about the resident's personal data: a service's request for
// consent is agreed to with its button, the service reads the data, the activity page lists
// that read, and the consent is withdrawn with its button. Every page the resident sees is
// checked with axe-core against WCAG 2 A and AA: no violation of impact "serious" or "critical"
// is allowed.
//
// Run: TSUNAGU_BINARY=path/to/tsunagu node --test tests/e2e/
// (CTest runs it as OidcBrowserPages; scripts/install-deps.sh installs chromium and runs
// `npm ci --prefix tests/e2e`.)

import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'

import { chromium } from 'playwright-core'

const binary = process.env.TSUNAGU_BINARY
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const EMAIL = 'sakura@example.jp'
const PASSWORD = 'haru no umi hinemosu notari'
const NAME = '佐藤 さくら'
const CLIENT_NAME = 'Town app'
const NURSERY_NAME = '保育課'
const STEP_TIMEOUT_MS = 30_000
const ACTION_TIMEOUT_MS = 15_000

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

const state = {
  dir: undefined, server: undefined, log: '', exited: undefined, issuer: undefined,
  callback: undefined, callbackUrl: undefined, browser: undefined, context: undefined, page: undefined,
}

// ---- the server, as in tests/oidc ----

async function addPublicClient(dataDir, redirectUri) {
  const { stdout } = await promisify(execFile)(binary, [
    'clients', 'add', '--data-dir', dataDir, '--name', CLIENT_NAME, '--public',
    '--scope', 'openid', '--scope', 'email', '--redirect-uri', redirectUri,
  ], { timeout: STEP_TIMEOUT_MS })
  const id = /^client_id=(.+)$/m.exec(stdout)
  assert.ok(id, `tsunagu clients add printed no client_id:\n${stdout}`)
  return id[1].trim()
}

// A confidential client with `scopes` (client credentials): { id, secret }.
async function addServiceClient(dataDir, name, scopes) {
  const { stdout } = await promisify(execFile)(binary, [
    'clients', 'add', '--data-dir', dataDir, '--name', name,
    ...scopes.flatMap((scope) => ['--scope', scope]),
  ], { timeout: STEP_TIMEOUT_MS })
  const id = /^client_id=(.+)$/m.exec(stdout)
  const secret = /^client_secret=(.+)$/m.exec(stdout)
  assert.ok(id && secret, `tsunagu clients add printed no client_id and secret:\n${stdout}`)
  return { id: id[1].trim(), secret: secret[1].trim() }
}

// An access token of the client credentials grant.
async function serviceToken(client) {
  const basic = Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')
  const res = await fetch(new URL('/oauth2/token', state.issuer), {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  })
  assert.equal(res.status, 200, await res.clone().text())
  return (await res.json()).access_token
}

// A JSON request to the server with a bearer token: the response.
async function api(method, target, token, body) {
  const headers = { authorization: `Bearer ${token}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  return fetch(new URL(target, state.issuer), {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  })
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

// The client's redirect URI: a page that says where the browser landed.
async function startCallback() {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' })
    res.end('<!doctype html><html lang="en"><head><title>Town app</title></head>' +
      '<body><main><h1>Town app: back from oneID</h1></main></body></html>')
  })
  state.callback = server
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return `http://127.0.0.1:${server.address().port}/cb`
}

async function stopCallback() {
  if (!state.callback) return
  state.callback.closeAllConnections()
  await new Promise((resolve) => state.callback.close(resolve))
  state.callback = undefined
}

// Playwright closes the browsers it launched when the process exits; the server is ours.
process.once('exit', () => {
  if (state.server && state.server.exitCode === null) state.server.kill('SIGKILL')
})

// The newest mail in the outbox to `to`, decoded (the body is base64).
async function lastMailTo(to) {
  const dir = path.join(state.dir, 'data', 'outbox')
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.eml')).sort()
    for (const file of files.reverse()) {
      const raw = await readFile(path.join(dir, file), 'utf8')
      const [head, body] = raw.split('\r\n\r\n')
      if (!new RegExp(`^To: ${to}$`, 'mi').test(head)) continue
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
    }
    await sleep(50)
  }
  throw new Error(`no mail to ${to} in ${dir}`)
}

function linkIn(text, pathPrefix) {
  const match = new RegExp(`https?://\\S+${pathPrefix}\\S+`).exec(text)
  assert.ok(match, `no ${pathPrefix} link in:\n${text}`)
  return match[0]
}

// ---- the browser ----

// axe-core on the page as it is now; the pages' CSP forbids scripts, so the context bypasses it.
async function checkAccessibility(page, what) {
  await page.addScriptTag({ content: axeSource })
  const result = await page.evaluate(() => globalThis.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] },
    resultTypes: ['violations'],
  }))
  assert.ok(result.passes.length > 0, `axe-core checked next to nothing on ${what}`)
  if (process.env.TSUNAGU_E2E_AXE_ALL) {
    for (const v of result.violations) console.log(`axe ${what}: [${v.impact}] ${v.id} ${v.nodes.map((n) => n.html).join(' | ')}`)
    console.log(`axe ${what}: ${result.passes.length} rules passed, ${result.incomplete.length} incomplete: ${result.incomplete.map((r) => r.id).join(', ')}`)
  }
  const grave = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const report = grave.map((v) => `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
    v.nodes.map((n) => `    ${n.target.join(' ')}\n      ${n.html}\n      ${n.failureSummary?.replaceAll('\n', '\n      ')}`).join('\n'))
  assert.equal(grave.length, 0,
    `axe-core: ${what} (${page.url()}) has serious or critical WCAG 2 A/AA violations:\n${report.join('\n')}`)
  return result
}

async function lang(page) {
  return page.locator('html').getAttribute('lang')
}

async function heading(page, name) {
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor({ state: 'visible' })
}

function s256(verifier) {
  return createHash('sha256').update(verifier).digest('base64url')
}

describe('oneID pages in chromium: register, verify, sign in, consent, account, personal data', { timeout: 240_000 }, () => {
  const flow = {}

  before(async () => {
    assert.ok(binary, 'TSUNAGU_BINARY must name the tsunagu binary')
    state.dir = await mkdtemp(path.join(tmpdir(), 'tsunagu-e2e-'))
    const dataDir = path.join(state.dir, 'data')
    state.callbackUrl = await startCallback()
    flow.clientId = await addPublicClient(dataDir, state.callbackUrl)
    flow.nursery = await addServiceClient(dataDir, NURSERY_NAME, ['ngsi-ld:read'])
    flow.operator = await addServiceClient(dataDir, 'City operator', ['admin', 'ngsi-ld:write'])
    state.issuer = `http://${await startServer(dataDir, path.join(state.dir, 'ready'))}`
    state.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: STEP_TIMEOUT_MS,
    })
    state.context = await state.browser.newContext({ locale: 'ja-JP', bypassCSP: true, baseURL: state.issuer })
    state.context.setDefaultTimeout(ACTION_TIMEOUT_MS)
    state.context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS)
    state.page = await state.context.newPage()
  }, { timeout: 2 * STEP_TIMEOUT_MS })

  after(async () => {
    const bounded = (p) => Promise.race([p.catch(() => {}), sleep(10_000, undefined, { ref: false })])
    if (state.context) await bounded(state.context.close())
    if (state.browser) await bounded(state.browser.close())
    await stopServer()
    await bounded(stopCallback())
    if (process.env.TSUNAGU_E2E_KEEP) console.log(`kept ${state.dir}`)
    else if (state.dir) await rm(state.dir, { recursive: true, force: true })
  }, { timeout: 40_000 })

  it('registers a resident, who opens the mailed link', { timeout: STEP_TIMEOUT_MS }, async () => {
    const page = state.page
    const res = await page.goto('/account/register')
    assert.equal(res.status(), 200)
    assert.equal(await lang(page), 'ja')
    await heading(page, '新規登録')
    await checkAccessibility(page, 'the registration page')

    await page.getByLabel('メールアドレス', { exact: true }).fill(EMAIL)
    await page.getByLabel('パスワード', { exact: true }).fill(PASSWORD)
    await page.getByLabel('お名前（任意）', { exact: true }).fill(NAME)
    await page.getByRole('button', { name: '登録する', exact: true }).click()
    await heading(page, 'メールをご確認ください')
    await checkAccessibility(page, 'the "check your mail" page')

    const link = linkIn(await lastMailTo(EMAIL), '/account/verify')
    assert.ok(link.startsWith(`${state.issuer}/`), `the link ${link} is not on ${state.issuer}`)
    const verified = await page.goto(link)
    assert.equal(verified.status(), 200)
    await heading(page, 'メールアドレスを確認しました')
    await checkAccessibility(page, 'the "address verified" page')
  })

  it('switches the sign-in page to English and back', { timeout: STEP_TIMEOUT_MS }, async () => {
    const page = state.page
    await page.getByRole('link', { name: 'ログイン画面へ', exact: true }).click()
    await heading(page, 'ログイン')
    assert.equal(await lang(page), 'ja')
    await checkAccessibility(page, 'the sign-in page (Japanese)')
    await page.screenshot({ path: path.join(state.dir, 'login-ja.png'), fullPage: true })

    await page.getByRole('navigation', { name: '言語の切り替え' }).getByRole('link', { name: 'English' }).click()
    await heading(page, 'Sign in')
    assert.equal(await lang(page), 'en')
    assert.match(page.url(), /[?&]ui_locales=en(&|$)/)
    await page.getByLabel('E-mail address', { exact: true }).waitFor({ state: 'visible' })
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor({ state: 'visible' })
    await checkAccessibility(page, 'the sign-in page (English)')

    await page.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: '日本語' }).click()
    await heading(page, 'ログイン')
    assert.equal(await lang(page), 'ja')
  })

  it('a wrong password shows the error summary and marks the fields', { timeout: STEP_TIMEOUT_MS }, async () => {
    const page = state.page
    await page.getByLabel('メールアドレス', { exact: true }).fill(EMAIL)
    await page.getByLabel('パスワード', { exact: true }).fill(`${PASSWORD} nope`)
    await page.getByRole('button', { name: 'ログイン', exact: true }).click()

    const alert = page.getByRole('alert')
    await alert.waitFor({ state: 'visible' })
    assert.equal(await alert.count(), 1)
    assert.match(await alert.innerText(), /入力内容をご確認ください/)
    assert.match(await alert.innerText(), /メールアドレスまたはパスワードが正しくありません。/)
    assert.match(await page.title(), /^エラー：/)
    const password = page.getByLabel('パスワード', { exact: true })
    assert.equal(await password.getAttribute('aria-invalid'), 'true')
    assert.match(await password.getAttribute('aria-describedby'), /\S/)
    assert.equal(await page.getByLabel('メールアドレス', { exact: true }).getAttribute('aria-invalid'), 'true')
    assert.equal(await page.getByLabel('メールアドレス', { exact: true }).inputValue(), EMAIL)
    assert.equal(await password.inputValue(), '', 'the password is never sent back')
    await checkAccessibility(page, 'the sign-in page with an error')
  })

  it('signs in through the code flow with PKCE, consents and lands on the callback', { timeout: STEP_TIMEOUT_MS }, async () => {
    const page = state.page
    const verifier = randomBytes(32).toString('base64url')
    const expectedState = randomBytes(16).toString('base64url')
    const authorize = new URL('/oauth2/authorize', state.issuer)
    authorize.search = new URLSearchParams({
      response_type: 'code', client_id: flow.clientId, redirect_uri: state.callbackUrl,
      scope: 'openid email', state: expectedState,
      code_challenge: s256(verifier), code_challenge_method: 'S256',
    }).toString()

    await page.goto(authorize.href)
    await heading(page, 'ログイン')
    await page.getByText(`「${CLIENT_NAME}」をご利用になるには、oneID でログインしてください。`).waitFor()
    await checkAccessibility(page, 'the sign-in page of an authorization request')

    await page.getByLabel('メールアドレス', { exact: true }).fill(EMAIL)
    await page.getByLabel('パスワード', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'ログイン', exact: true }).click()

    await heading(page, 'アクセスの許可')
    await page.getByText(`「${CLIENT_NAME}」が、次の情報の利用と操作の許可を求めています。`).waitFor()
    const scopes = await page.getByRole('listitem').allInnerTexts()
    assert.deepEqual(scopes.sort(), ['oneID の利用者識別子', 'メールアドレス'].sort())
    await checkAccessibility(page, 'the consent page')

    await page.getByRole('button', { name: '許可する', exact: true }).click()
    const callback = new URL(state.callbackUrl)
    await page.waitForURL((url) => url.origin === callback.origin && url.pathname === callback.pathname)
    await page.getByRole('heading', { name: 'Town app: back from oneID' }).waitFor()
    const landed = new URL(page.url())
    assert.equal(landed.searchParams.get('state'), expectedState)
    assert.match(landed.searchParams.get('code') ?? '', /^\S{16,}$/, `no code in ${landed}`)
    assert.equal(landed.searchParams.get('error'), null)
    assert.equal(landed.searchParams.get('iss'), state.issuer)

    // The client exchanges the code (PKCE): the resident's subject is the ID token's sub.
    const res = await fetch(new URL('/oauth2/token', state.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', code: landed.searchParams.get('code'),
        redirect_uri: state.callbackUrl, client_id: flow.clientId, code_verifier: verifier,
      }).toString(),
    })
    assert.equal(res.status, 200, await res.clone().text())
    const idToken = (await res.json()).id_token
    flow.subject = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString('utf8')).sub
    assert.match(flow.subject ?? '', /\S/)
  })

  it('shows the account page of the signed-in resident', { timeout: STEP_TIMEOUT_MS }, async () => {
    const page = state.page
    const res = await page.goto('/account')
    assert.equal(res.status(), 200)
    await heading(page, 'アカウント情報')
    assert.equal(await lang(page), 'ja')
    await page.getByText(EMAIL).first().waitFor()
    await page.getByText(NAME).first().waitFor()
    await page.getByRole('button', { name: 'ログアウトする', exact: true }).waitFor()
    await checkAccessibility(page, 'the account page')
  })

  it('agrees to a service\'s request, sees its read, and withdraws the consent', { timeout: 2 * STEP_TIMEOUT_MS }, async () => {
    const page = state.page
    const operator = await serviceToken(flow.operator)
    const nursery = await serviceToken(flow.nursery)
    let res = await api('PUT', '/admin/v1/personal-data/_default', operator,
      [{ type: 'ChildcareApplication', category: 'childcare-application', subject: 'applicant' }])
    assert.equal(res.status, 200, await res.text())
    const expires = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString()
    res = await api('POST', '/consent/v1/requests', nursery, {
      subject: flow.subject, category: 'childcare-application', purpose: '保育所の入所審査', expires_at: expires,
    })
    assert.equal(res.status, 201, await res.text())
    const entity = 'urn:ngsi-ld:ChildcareApplication:e2e-1'
    res = await api('POST', '/ngsi-ld/v1/entities', operator, {
      id: entity, type: 'ChildcareApplication',
      applicant: { type: 'Relationship', object: `urn:ngsi-ld:Person:${flow.subject}` },
      children: { type: 'Property', value: 2 },
    })
    assert.equal(res.status, 201, await res.text())
    const read = () => api('GET', `/ngsi-ld/v1/entities/${encodeURIComponent(entity)}`, nursery)

    await page.getByRole('link', { name: 'データ利用の同意の確認・撤回', exact: true }).click()
    await heading(page, 'データ利用の同意')
    assert.equal(await lang(page), 'ja')
    await page.getByRole('heading', { level: 3, name: NURSERY_NAME }).waitFor()
    await page.getByText('保育所の入所審査').waitFor()
    await page.getByText('個人データの利用に同意したサービスはありません。').waitFor()
    await checkAccessibility(page, 'the consents page with a request')

    assert.equal((await read()).status, 404, 'no grant yet')
    await page.getByRole('button', { name: '同意する', exact: true }).click()
    await page.getByRole('status').getByText('同意しました。', { exact: false }).waitFor()
    await page.getByText('回答を待っている依頼はありません。').waitFor()
    await page.getByRole('button', { name: '同意を撤回する', exact: true }).waitFor()
    await checkAccessibility(page, 'the consents page with a grant')
    assert.equal((await read()).status, 200, 'the grant allows the read')

    await page.getByRole('link', { name: 'データの利用履歴', exact: true }).click()
    await heading(page, 'データの利用履歴')
    await page.getByText(entity).waitFor()
    await page.getByText(NURSERY_NAME).first().waitFor()
    await checkAccessibility(page, 'the activity page')

    await page.getByRole('navigation', { name: '言語の切り替え' }).getByRole('link', { name: 'English' }).click()
    await heading(page, 'Who used your data')
    assert.equal(await lang(page), 'en')
    await checkAccessibility(page, 'the activity page (English)')

    await page.getByRole('link', { name: 'Consents to use your data', exact: true }).click()
    await heading(page, 'Consents to use your data')
    await page.getByRole('button', { name: 'Withdraw consent', exact: true }).click()
    await page.getByRole('status').getByText('Your consent has been withdrawn.', { exact: false }).waitFor()
    assert.equal(await page.getByRole('button', { name: 'Withdraw consent', exact: true }).count(), 0)
    await checkAccessibility(page, 'the consents page after a withdrawal')
    assert.equal((await read()).status, 404, 'the withdrawal takes effect at once')
  })
})
