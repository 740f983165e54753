import { spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ROOT, cleanEnv, runCli, spawnCli, tempDir, type CliResult } from '../cli-harness.js';

/** Debian's chromium (.ci/run installs it when missing). */
export const CHROMIUM = process.env.ENTENTE_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');
export const ADMIN_PASSWORD = 'console test admin password';

/** The built console the server serves; built here when a test runs before `npm run build`. */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(ROOT, 'dist', 'web', 'index.html'))) return;
  const built = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`vite build failed: ${built.stderr}`);
}

export interface Served {
  readonly url: string;
  readonly db: string;
  readonly child: ChildProcess;
  readonly stderr: () => string;
  stop(): Promise<void>;
}

/** What a browser test file runs against: one `entente serve` on a fresh SQLite file, and one Chromium. */
export interface ServedConsole {
  readonly server: Served;
  readonly browser: Browser;
}

/**
 * Registers, for the calling test file, the built console, a server on a
 * fresh database and a Chromium, started before its tests and stopped after
 * them. The fields are read inside the tests, once started.
 */
export function servedConsole(): ServedConsole {
  let temp: ReturnType<typeof tempDir> | undefined;
  let server: Served | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    ensureConsoleBuilt();
    temp = tempDir();
    server = await serve(join(temp.dir, 'entente.db'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    temp?.remove();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is started by servedConsole's beforeAll: read it inside a test`);
    return value;
  };
  return {
    get server() {
      return started(server, 'server');
    },
    get browser() {
      return started(browser, 'browser');
    },
  };
}

/** A real `entente serve` on loopback, on a free port, with a known admin password. */
export async function serve(db: string, extraEnv: Record<string, string> = {}): Promise<Served> {
  const child = spawnCli(['serve', '--port', '0', '--db', db], cleanEnv({ ENTENTE_ADMIN_PASSWORD: ADMIN_PASSWORD, ...extraEnv }));
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      if (found) resolve(found);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`entente serve exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    db,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs an `entente` command against the same database, failing loudly. */
export async function cli(db: string, ...args: string[]): Promise<CliResult> {
  const result = await runCli([...args, '--db', db]);
  if (result.code !== 0) throw new Error(`entente ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set ENTENTE_CHROMIUM`);
  // Each launch gets a new, empty temporary profile from playwright.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Problems the page reported: uncaught errors, and Content-Security-Policy
 * violations (the console must run under its own strict policy).
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) problems.push(`CSP: ${text}`);
  });
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Feed/ }).waitFor();
}

/**
 * What a screen reader could not name on the page (an axe-like check of the
 * two rules the console must keep): form fields without a label (a wrapping
 * or `for` label, aria-label, aria-labelledby or title) and buttons or links
 * without a name (their text, aria-label, aria-labelledby or title). Each is
 * described by its tag and outer HTML start, so a failure says what to fix.
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  // A string: this project's TypeScript has no DOM types (the function runs in the page).
  return page.evaluate<string[]>(`(() => {
    const named = (element, text) => {
      if ((element.getAttribute('aria-label') ?? '').trim() !== '') return true;
      const labelledBy = element.getAttribute('aria-labelledby');
      if (labelledBy && labelledBy.split(/\\s+/).some((id) => (document.getElementById(id)?.textContent ?? '').trim() !== '')) return true;
      if ((element.getAttribute('title') ?? '').trim() !== '') return true;
      if (text && (element.textContent ?? '').trim() !== '') return true;
      return false;
    };
    const shown = (element) => element instanceof SVGElement || element.getClientRects().length > 0;
    const problems = [];
    for (const field of document.querySelectorAll('input, select, textarea')) {
      if (field instanceof HTMLInputElement && ['hidden', 'submit', 'button'].includes(field.type)) continue;
      const id = field.getAttribute('id');
      const labelled = field.closest('label') !== null || (id !== null && document.querySelector('label[for="' + CSS.escape(id) + '"]') !== null) || named(field, false);
      if (!labelled && shown(field)) problems.push('field without a label: ' + field.outerHTML.slice(0, 120));
    }
    for (const control of document.querySelectorAll('button, a[href], [role="button"], [role="link"], summary')) {
      if (!named(control, true) && shown(control)) problems.push(control.tagName.toLowerCase() + ' without a name: ' + control.outerHTML.slice(0, 120));
    }
    return problems;
  })()`);
}

/** How far the page scrolls sideways (0 when it fits the viewport). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}
