// Browser tests for Entraide: starts the server with the demo data, drives
// Debian's Chromium through playwright-core, runs axe-core on every page.
//
//   node run.mjs              all scenarios
//   node run.mjs language     only scenarios whose name contains "language"
//
// Environment: ENTRAIDE_BIN (server binary), CHROMIUM_PATH (browser).

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './lib/server.mjs';
import { Scenario } from './lib/harness.mjs';
import { scenarios } from './scenarios.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN =
  process.env.ENTRAIDE_BIN ||
  path.join(process.env.CARGO_TARGET_DIR || path.join(REPO, 'target'), 'debug', 'entraide');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SCENARIO_TIMEOUT_MS = 90_000;
const TOTAL_TIMEOUT_MS = 6 * 60_000;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function indent(text) {
  return text.split('\n').map((line) => `    ${line}`).join('\n');
}

async function main() {
  const filter = process.argv[2];
  const selected = scenarios.filter((s) => !filter || s.name.includes(filter));
  if (selected.length === 0) throw new Error(`no scenario matches "${filter}"`);

  const started = Date.now();
  const server = await startServer({ bin: BIN });
  console.log(`server ready at ${server.baseUrl} (${Date.now() - started} ms)`);

  let browser;
  const results = [];
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    console.log(`chromium ${browser.version()}`);

    for (const scenario of selected) {
      const t = new Scenario(browser, server.baseUrl);
      const begin = Date.now();
      let failure = null;
      try {
        await withTimeout(scenario.run(t), SCENARIO_TIMEOUT_MS, `scenario "${scenario.name}"`);
      } catch (error) {
        failure = error;
      } finally {
        await t.close();
      }
      const findings = t.findings();
      const messages = [];
      if (failure) messages.push(failure.stack || String(failure));
      messages.push(...findings);
      const result = {
        name: scenario.name,
        ok: messages.length === 0,
        ms: Date.now() - begin,
        pages: t.audited.length,
        messages,
      };
      results.push(result);
      console.log(`${result.ok ? 'PASS' : 'FAIL'}  ${result.name}  (${result.ms} ms, ${result.pages} pages checked with axe)`);
      for (const message of messages) console.log(indent(message));
    }
  } finally {
    if (browser) await browser.close().catch(() => {});
    await server.stop();
  }

  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    const tail = server.log().trimEnd().split('\n').slice(-40).join('\n');
    console.log('\nLast lines of the server log:\n' + indent(tail));
  }
  console.log('\nSummary');
  for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name}`);
  const pages = results.reduce((n, r) => n + r.pages, 0);
  console.log(`  ${pages} page loads checked with axe-core, ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0;
}

const watchdog = setTimeout(() => {
  console.error(`browser tests: gave up after ${TOTAL_TIMEOUT_MS / 1000} s`);
  process.exit(2); // the server is killed by its exit handler
}, TOTAL_TIMEOUT_MS);
watchdog.unref();
// On Ctrl-C or a kill, exit through process.exit so the server goes too.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error) => {
    console.error(`browser tests could not run: ${error.stack || error}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
