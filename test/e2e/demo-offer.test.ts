import { describe, expect, it, vi } from 'vitest';
import { ADMIN_PASSWORD, screenshot, servedConsole, signIn, watchProblems } from './console-harness.js';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 180_000 });

/**
 * Issue 7, "the first start shows something real", in real Chromium against a
 * real `entente serve` on an empty database: the feed offers the demo set to
 * the administrator; accepting it fills the feed and its timeline, and the server's correlation
 * follower merges the three reports of the Sousse attack into one incident.
 */
const served = servedConsole();

describe('the demo set offer in Chromium', () => {
  it('offers the demo set on an empty database; accepting it fills the feed with correlated incidents', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await signIn(page, served.server.url, 'admin', ADMIN_PASSWORD);
    await page.getByText('No incidents yet.').waitFor();
    expect(await page.locator('.incident-card:not(.placeholder)').count()).toBe(0);
    await screenshot(page, 'demo-offer');

    await page.getByRole('button', { name: 'Load the demo set' }).click();
    // Placeholders stand in while the feed loads; the cards are the ones with a link.
    const cards = page.locator('.incident-card:not(.placeholder)');
    await cards.first().waitFor({ timeout: 120_000 });
    await expect.poll(() => cards.count()).toBeGreaterThan(10);
    expect(await page.getByRole('button', { name: 'Load the demo set' }).count()).toBe(0);
    // The feed's timeline reads the new incidents too, without a reload of the page.
    const bars = page.locator('.timeline .bar');
    await bars.first().waitFor();
    expect(await bars.count()).toBeGreaterThan(0);
    expect(await page.getByText('No incidents for these filters').count()).toBe(0);
    await screenshot(page, 'demo-loaded');

    // Correlated: the Sousse incident, opened from the feed, is told by the three outlets of development set D02.
    await page.goto(`${served.server.url}/feed?q=Sousse`);
    const sousse = page.locator('.incident-card', { hasText: 'Sousse (2015-06-26)' }).first();
    await sousse.waitFor();
    await sousse.getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Source report' }).waitFor();
    // The follower correlates in the background: reload until it has.
    await expect
      .poll(async () => {
        await page.reload();
        await page.getByRole('heading', { name: 'Source report' }).waitFor();
        const options = page.locator('.report-pane select option');
        return (await options.allTextContents()).map((text) => text.split(' · ')[0]).sort();
      }, { timeout: 120_000, interval: 1000 })
      .toEqual(['Harbourline Wire', 'Maghreb Policy Monitor', 'The Albion Courant']);
    await screenshot(page, 'demo-correlated-incident');
    expect(problems).toEqual([]);
    await page.close();
  });
});
