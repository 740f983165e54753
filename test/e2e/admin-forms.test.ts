import { describe, expect, it, vi } from 'vitest';
import { ensureSources } from '../../src/correlate/source-reliability.js';
import { withCorrelation } from '../../src/correlate/correlation-schema.js';
import { openStore } from '../../src/store/open-store.js';
import { ADMIN_PASSWORD, servedConsole, signIn, watchProblems } from './console-harness.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const served = servedConsole();

describe('the administration forms in Chromium', () => {
  it('create an organisation and a sharing group by name, add the organisation to the group and a user to it, and filter the audit log', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await signIn(page, served.server.url, 'admin', ADMIN_PASSWORD);

    await page.goto(`${served.server.url}/admin/orgs`);
    const newOrg = page.getByRole('form', { name: 'New organisation' });
    await newOrg.getByLabel('Name').fill('Agency Z');
    await newOrg.getByRole('button', { name: 'Create organisation' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Agency Z' }).waitFor();
    expect(await newOrg.getByLabel('Name').inputValue()).toBe('');

    await page.goto(`${served.server.url}/admin/groups`);
    const newGroup = page.getByRole('form', { name: 'New sharing group' });
    await newGroup.getByLabel('Name').fill('Caucasus desk');
    await newGroup.getByRole('button', { name: 'Create group' }).click();
    const addMember = page.getByRole('form', { name: 'Add a member to Caucasus desk' });
    await addMember.getByLabel('Organisation').selectOption({ label: 'Agency Z' });
    await addMember.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Caucasus desk' }).filter({ hasText: 'Agency Z' }).first().waitFor();

    await page.goto(`${served.server.url}/admin/users`);
    const newUser = page.getByRole('form', { name: 'New user' });
    await newUser.getByLabel('User name').fill('zoe');
    await newUser.getByLabel('Organisation').selectOption({ label: 'Agency Z' });
    await newUser.getByLabel('Password').fill('a long enough password for zoe');
    await newUser.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('row').filter({ hasText: 'zoe' }).filter({ hasText: 'Agency Z' }).waitFor();

    await page.goto(`${served.server.url}/admin/audit`);
    await page.getByLabel('User', { exact: true }).fill('admin');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/user=admin/);
    await page.getByRole('row').filter({ hasText: 'group.member-add' }).waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it("create a user's token shown once and revoke it, and grade a source's reliability", async () => {
    // Sources are recorded by correlation as reports arrive; one outlet is enough here, written beside the running server.
    const opened = await openStore(served.server.db);
    try {
      await ensureSources(withCorrelation(opened.db), [{ name: 'Wire Agency', kind: 'outlet' }]);
    } finally {
      await opened.store.close();
    }
    const page = await served.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await signIn(page, served.server.url, 'admin', ADMIN_PASSWORD);

    await page.goto(`${served.server.url}/admin/users`);
    await page.getByRole('button', { name: 'Tokens of admin' }).click();
    const tokens = page.getByRole('region', { name: 'Tokens' });
    const newToken = tokens.getByRole('form', { name: 'New token' });
    await newToken.getByLabel('Label').fill('feed reader');
    await newToken.getByRole('button', { name: 'Create token' }).click();
    const secret = (await tokens.locator('.secret code').textContent()) ?? '';
    expect(secret).toMatch(/^ent_/);
    const taxii = (token: string) => fetch(`${served.server.url}/taxii2/`, { headers: { accept: 'application/taxii+json;version=2.1', authorization: `Bearer ${token}` } });
    expect((await taxii(secret)).status).toBe(200);
    const listed = tokens.getByRole('listitem').filter({ hasText: 'feed reader' });
    await expect(listed.textContent()).resolves.toContain('read');
    await listed.getByRole('button', { name: 'Revoke feed reader' }).click();
    await tokens.getByRole('listitem').filter({ hasText: 'feed reader' }).filter({ hasText: 'revoked' }).waitFor();
    expect((await taxii(secret)).status).toBe(401);

    await page.goto(`${served.server.url}/admin/sources`);
    const reliability = page.getByLabel('Reliability of Wire Agency');
    await expect(reliability.inputValue()).resolves.toBe('F');
    const graded = page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().endsWith('/reliability'));
    await reliability.selectOption('B');
    expect((await graded).status()).toBe(200);
    await page.reload();
    await expect(page.getByLabel('Reliability of Wire Agency').inputValue()).resolves.toBe('B');
    await page.goto(`${served.server.url}/admin/audit`);
    await page.getByRole('row').filter({ hasText: 'source.grade' }).waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});
