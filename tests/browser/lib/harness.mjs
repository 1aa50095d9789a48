// What each scenario gets: fresh browser contexts that may only reach the
// server under test, navigation helpers that check the status and run axe
// on every new document, and a record of everything that went wrong.

import { axeViolations, formatViolations } from './axe.mjs';

const NAVIGATION_TIMEOUT_MS = 15_000;
const ACTION_TIMEOUT_MS = 10_000;
const AXE_TIMEOUT_MS = 20_000;

export class Scenario {
  constructor(browser, baseUrl) {
    this.browser = browser;
    this.baseUrl = baseUrl;
    this.origin = new URL(baseUrl).origin;
    this.contexts = [];
    this.pages = [];
    this.problems = []; // found along the way; reported when the scenario ends
    this.violations = []; // formatted axe findings
    this.audited = []; // URLs checked with axe
  }

  /**
   * A page in a fresh browser context (own cookies), French by default.
   * Options go to browser.newContext (e.g. javaScriptEnabled: false).
   */
  async newPage(options = {}) {
    const context = await this.browser.newContext({ locale: 'fr-FR', ...options });
    this.contexts.push(context);
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);

    // Loopback only: anything not addressed to the server under test is cut.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === this.origin) return route.continue();
      this.problems.push(`blocked a request outside the server under test: ${url}`);
      return route.abort('blockedbyclient');
    });

    const page = await context.newPage();
    const state = {
      page,
      documents: 0,
      auditedDocument: 0,
      lastUrl: '',
      javaScriptEnabled: options.javaScriptEnabled !== false,
    };
    this.pages.push(state);

    page.on('load', () => {
      if (state.documents > state.auditedDocument) {
        this.problems.push(`page left without an accessibility check: ${state.lastUrl}`);
      }
      state.documents += 1;
      state.lastUrl = page.url();
    });
    page.on('pageerror', (error) => this.problems.push(`script error on ${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      // Failed loads are reported, with their URL, by the response handler below.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        this.problems.push(`console error on ${page.url()}: ${message.text()}`);
      }
    });
    page.on('response', (response) => {
      const request = response.request();
      if (!request.isNavigationRequest() && response.status() >= 400) {
        this.problems.push(`${request.resourceType()} ${response.url()} answered ${response.status()}`);
      }
    });
    return page;
  }

  url(path) {
    return new URL(path, this.baseUrl).href;
  }

  /** Opens `path`, expects `status`, and runs axe on the page. */
  async goto(page, path, { status = 200 } = {}) {
    const response = await page.goto(this.url(path));
    expectStatus(response, status, `GET ${path}`);
    await this.audit(page);
    return response;
  }

  /**
   * Runs `action` (a click, a key press) that loads a new document, waits
   * for it, expects the final `status` (after redirects), and runs axe.
   */
  async navigate(page, action, { status = 200, what = 'navigation' } = {}) {
    let last = null;
    const onResponse = (response) => {
      const request = response.request();
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) last = response;
    };
    page.on('response', onResponse);
    try {
      const loaded = page.waitForEvent('load', { timeout: NAVIGATION_TIMEOUT_MS });
      loaded.catch(() => {}); // if the action fails, its error is the one to report
      await action();
      await loaded;
    } finally {
      page.off('response', onResponse);
    }
    expectStatus(last, status, what);
    await this.audit(page);
    return last;
  }

  /** Runs axe on the current document of `page`; findings fail the scenario. */
  async audit(page) {
    const state = this.pages.find((s) => s.page === page);
    const url = page.url();
    const violations = await withTimeout(
      axeViolations(page, { javaScriptEnabled: state?.javaScriptEnabled ?? true }),
      AXE_TIMEOUT_MS,
      `axe on ${url}`,
    );
    if (violations.length > 0) this.violations.push(formatViolations(url, violations));
    this.audited.push(url);
    if (state) state.auditedDocument = state.documents;
  }

  /** Everything wrong besides a failed step: axe findings, stray errors. */
  findings() {
    const found = [...this.violations, ...this.problems];
    for (const state of this.pages) {
      if (state.documents > state.auditedDocument) {
        found.push(`page loaded without an accessibility check: ${state.lastUrl}`);
      }
    }
    return found;
  }

  async close() {
    await Promise.allSettled(this.contexts.map((c) => c.close()));
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function expectStatus(response, expected, what) {
  if (!response) throw new Error(`${what}: no response`);
  if (response.status() !== expected) {
    throw new Error(`${what}: expected status ${expected}, got ${response.status()} at ${response.url()}`);
  }
}
