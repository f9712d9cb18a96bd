// axe-core in the page under test: injected from the installed package (never fetched), run over the
// whole document including the widget's open shadow root. Critical and serious violations fail the
// test with each rule and the elements it flagged, so the message says what to fix.
import axe from 'axe-core';
import type { Page } from 'playwright-core';

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; any?: { message?: string }[] }[];
}

/** The critical and serious axe violations on the page now, as "rule: help — targets" lines. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // evaluated through the DevTools protocol, not as a <script>: the desk's CSP (script-src 'self') stays on
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  // finite animations (a dialog fading in) first: mid-fade colours would read as poor contrast
  await page.evaluate(() => Promise.all(document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity).map((a) => a.finished.catch(() => undefined))));
  const violations = await page.evaluate(async () => {
    const run = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: unknown[] }> } }).axe.run;
    return (await run(document, { resultTypes: ['violations'] })).violations;
  });
  return (violations as Violation[])
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    // the first check's message says why (for contrast: the two colours and the ratio)
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${JSON.stringify(n.target)} ${n.any?.[0]?.message ?? ''}`).join('\n')}`);
}

/** Fails with the list of critical/serious violations, named by `where` (the page or state checked). */
export async function expectNoSeriousA11yViolations(page: Page, where: string): Promise<void> {
  const found = await seriousA11yViolations(page);
  if (found.length) throw new Error(`axe: ${found.length} critical/serious violation(s) on ${where}:\n${found.join('\n')}`);
}
