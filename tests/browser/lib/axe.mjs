// Runs axe-core inside a page. The script is injected with page.evaluate,
// not with a <script> tag: the application's CSP forbids inline scripts,
// and evaluation through the DevTools protocol is not subject to it.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Returns axe's violations for the current document of `page`.
 *
 * In a context with JavaScript disabled, evaluation still works but the
 * page's timers never fire, and axe waits on setTimeout. For the length of
 * the run, setTimeout then hands the callback to a microtask instead (the
 * page's own scripts are not running, so only axe sees this).
 */
export async function axeViolations(page, { javaScriptEnabled = true } = {}) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async ({ tags, timersWork }) => {
    const setTimeoutBefore = window.setTimeout;
    if (!timersWork) {
      window.setTimeout = (callback, _delay, ...args) => {
        Promise.resolve().then(() => callback(...args));
        return 0;
      };
    }
    try {
      const results = await window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
        preload: timersWork,
      });
      return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({
          target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' '),
          html: n.html,
          summary: n.failureSummary,
        })),
      }));
    } finally {
      window.setTimeout = setTimeoutBefore;
    }
  }, { tags: AXE_TAGS, timersWork: javaScriptEnabled });
}

/** Formats violations found at `url` for a failure message. */
export function formatViolations(url, violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(`axe ${v.id} (${v.impact}) on ${url}: ${v.help}`);
    lines.push(`    ${v.helpUrl}`);
    for (const node of v.nodes) {
      lines.push(`    - ${node.target}`);
      lines.push(`      ${node.html.replace(/\s+/g, ' ').slice(0, 200)}`);
      if (node.summary) {
        for (const line of node.summary.split('\n')) lines.push(`        ${line.trim()}`);
      }
    }
  }
  return lines.join('\n');
}
