import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { sharedFolder } from '../../src/shared-folder.js';
import { ADMIN_PASSWORD, screenshot, servedConsole, sidewaysOverflow, signIn, unnamedControls, watchProblems } from './console-harness.js';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 180_000 });

/**
 * Issue 7, ingest page, in real Chromium against a real `entente serve`: the
 * seed article is uploaded as a file; the analyst corrects an attack type
 * (with the keyboard), drops a wrongly extracted entity and fixes a quote's
 * speaker, publishes, and finds the corrections on the incident page. A bad
 * correction is refused in words that name the field.
 */
const SEED = join(sharedFolder(), 'seed', 'chechnya-attack-le-pen-moscow.txt');

const served = servedConsole();

describe('correcting an ingest preview in Chromium', () => {
  it('uploads a file, corrects an attack type, drops an entity, fixes a speaker, publishes, and shows the corrections on the incident page', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await signIn(page, served.server.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${served.server.url}/ingest`);

    await page.getByLabel('Or a text file').setInputFiles(SEED);
    await expect.poll(() => page.getByLabel('Report text').inputValue()).toContain('Deutsche Welle');
    // The file's name becomes the title when none was given.
    expect(await page.getByLabel('Title').inputValue()).toBe('chechnya-attack-le-pen-moscow');
    await page.getByLabel('Outlet').fill('RT');
    await page.getByLabel('Published').fill('2017-03-24');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('heading', { name: 'What was found in the text' }).waitFor();
    expect(await page.locator('.report-text mark[title*="Barack Obama"]').count(), 'the entity is highlighted before it is dropped').toBeGreaterThan(0);
    expect(await unnamedControls(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await sidewaysOverflow(page), 'the correction forms fit a phone screen').toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });

    const chechnya = page.locator('fieldset.correction', { hasText: 'Chechnya' }).first();
    const attackTypes = chechnya.getByRole('group', { name: 'Attack types' });
    expect(await attackTypes.getByLabel('Armed Assault', { exact: true }).isChecked()).toBe(true);
    // With the keyboard: focus, Space.
    await attackTypes.getByLabel('Armed Assault', { exact: true }).focus();
    await page.keyboard.press('Space');
    await attackTypes.getByLabel('Bombing/Explosion', { exact: true }).focus();
    await page.keyboard.press('Space');
    await attackTypes.getByText(/corrected \(extracted: Armed Assault\)/).waitFor();
    // The generated name follows the attack type, as it follows the date.
    expect(await chechnya.getByLabel('Name').inputValue()).toMatch(/^Bombing\/Explosion in Chechnya/);
    // Then the date: the name follows both corrections, whichever came first.
    await chechnya.getByLabel('Date').fill('2017-03-20');
    expect(await chechnya.getByLabel('Name').inputValue()).toBe('Bombing/Explosion in Chechnya (2017-03-20)');
    // The precisions offered are the server's.
    expect(await chechnya.getByLabel('Precision').locator('option').allTextContents()).toEqual(['exact', 'day', 'month', 'year', 'approximate', 'unknown']);

    const obama = page.getByRole('group', { name: 'Entity Barack Obama' });
    await obama.getByLabel('Drop (wrongly extracted)').check();
    await obama.getByText('will not be published').waitFor();

    const zolotov = page.getByRole('group', { name: /^Quote \d+, of Viktor Zolotov$/ });
    await zolotov.getByLabel('Speaker').fill('Viktor V. Zolotov');
    await zolotov.getByText('corrected (extracted: Viktor Zolotov)').waitFor();

    // A bad value is refused in words naming the field; the analyst puts it right and publishes.
    await chechnya.getByLabel('Wounded').fill('-3');
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/wounded of incident .*Chechnya.*whole number/);
    await chechnya.getByLabel('Wounded').fill('');
    await screenshot(page, 'ingest-corrections-preview');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('heading', { name: /^Published \d+ objects/ }).waitFor();
    expect(await page.locator('.published .error').count()).toBe(0);

    await page.getByRole('link', { name: 'Open the incident' }).first().click();
    await page.getByRole('heading', { name: /Chechnya/ }).first().waitFor();
    await page.getByRole('heading', { name: 'Quotes' }).waitFor();
    await page.locator('.report-text').waitFor();
    const body = await page.locator('main').textContent();
    expect(body).toContain('Bombing/Explosion');
    // The corrected attack type is the analyst's, not credited to the source; the extraction's value is named as such, and nowhere else.
    const attackType = (await page.locator('table.fields tr', { hasText: 'Attack type' }).textContent()) ?? '';
    expect(attackType).toMatch(/Bombing\/Explosion — corrected by admin on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(attackType).toMatch(/the extraction from .+ said Armed Assault/);
    const corrections = (await page.getByRole('region', { name: 'Corrected by the analyst' }).textContent()) ?? '';
    expect(corrections).toMatch(/Attack type: corrected by admin on .*; the extraction said Armed Assault/);
    expect(body?.replace(/said Armed Assault/g, '')).not.toContain('Armed Assault');
    expect(await page.locator('.quotes li', { hasText: 'Viktor V. Zolotov' }).count()).toBeGreaterThan(0);
    expect(await page.locator('.quotes li', { hasText: /— Viktor Zolotov\b/ }).count()).toBe(0);
    expect(await page.locator('.report-text mark[title*="Barack Obama"]').count()).toBe(0);
    expect(await page.locator('.report-text mark[title*="Kadyrov"]').count(), 'other entities stay highlighted').toBeGreaterThan(0);
    await screenshot(page, 'ingest-corrections-incident');
    expect(problems).toEqual([]);
    await page.close();
  });
});
