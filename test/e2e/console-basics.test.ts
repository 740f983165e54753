import { describe, expect, it, vi } from 'vitest';
import { ADMIN_PASSWORD, screenshot, servedConsole, sidewaysOverflow, signIn, unnamedControls, watchProblems } from './console-harness.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const served = servedConsole();

describe('the console in Chromium', () => {
  it('refuses a wrong password in words, signs in with the keyboard alone, and signs out', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await page.goto(`${served.server.url}/feed`);
    await page.getByLabel('User name').waitFor();
    await screenshot(page, 'sign-in-1280');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/check the user name and password/i);

    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { name: /^Feed/ }).waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === 'entente_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    // The cookie is not readable from scripts.
    expect(await page.evaluate<string>('document.cookie')).not.toContain('entente_session');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('User name').waitFor();
    await page.reload();
    await page.getByLabel('User name').waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('rejects a state-changing request without the CSRF header even with the session cookie', async () => {
    const page = await served.browser.newPage();
    await signIn(page, served.server.url, 'admin', ADMIN_PASSWORD);
    const status = await page.evaluate(async () => (await fetch('/rest/v1/session', { method: 'DELETE', credentials: 'same-origin' })).status);
    expect(status).toBe(403);
    await page.close();
  });

  it('shows markup in a report as text: nothing in it runs or renders as HTML', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await signIn(page, served.server.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${served.server.url}/ingest`);
    const hostile =
      'Gunmen killed three people in Kabul on 2 May 2024, police said. <img src=x onerror="window.pwned=1"> ' +
      '<script>window.pwned=2</script><b>bold</b> &amp; <a href="javascript:window.pwned=3">link</a>';
    await page.getByLabel('Report text').fill(hostile);
    await page.getByRole('button', { name: 'Preview' }).click();
    const text = page.locator('.report-text');
    await text.waitFor();
    expect(await text.textContent()).toBe(hostile);
    expect(await text.locator('img, script, b, a').count()).toBe(0);
    expect(await page.evaluate<unknown>('window.pwned')).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('does not move the feed about while its data loads (cumulative layout shift under 0.1)', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, served.server.url, 'admin', ADMIN_PASSWORD);
    await page.addInitScript(`window.layoutShift = 0; new PerformanceObserver((list) => { for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.layoutShift += entry.value; }).observe({ type: 'layout-shift', buffered: true });`);
    for (const path of ['/feed', '/map', '/timeline']) {
      await page.goto(`${served.server.url}${path}`);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(300);
      expect(await page.evaluate<number>('window.layoutShift'), path).toBeLessThan(0.1);
    }
    await page.close();
  });

  it('renders every page at 1280 and 390 pixels under the strict CSP, every field labelled and every button named, without horizontal scrolling on the phone', async () => {
    for (const width of [1280, 390]) {
      const page = await served.browser.newPage({ viewport: { width, height: 900 } });
      const problems = watchProblems(page);
      await signIn(page, served.server.url, 'admin', ADMIN_PASSWORD);
      const pages: [string, RegExp][] = [
        ['/feed', /^Feed/],
        ['/map', /^Map$/],
        ['/timeline', /^Timeline$/],
        ['/ingest', /^Ingest a report$/],
        ['/watchlists', /^Watchlists and alerts$/],
        ['/sharing', /^Sharing$/],
        ['/admin/orgs', /^Administration$/],
        ['/admin/users', /^Administration$/],
        ['/admin/groups', /^Administration$/],
        ['/admin/sources', /^Administration$/],
        ['/admin/audit', /^Administration$/],
      ];
      for (const [path, heading] of pages) {
        await page.goto(`${served.server.url}${path}`);
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        await page.waitForLoadState('networkidle');
        await screenshot(page, `${path.slice(1).replace(/\//g, '-')}-${width}`);
        expect(await unnamedControls(page), `${path} at ${width} px`).toEqual([]);
        if (width === 390) expect(await sidewaysOverflow(page), `${path} scrolls sideways at 390 px`).toBeLessThanOrEqual(1);
      }
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it('finds an unlabelled field and an unnamed button (the check the pages pass can fail)', async () => {
    const page = await served.browser.newPage();
    await page.setContent('<label>Named <input></label><input id="bare"><button type="button"></button><button type="button">Go</button><a href="/x" aria-label="Somewhere"></a>');
    const problems = await unnamedControls(page);
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['field without a label', 'button without a name']);
    await page.close();
  });

  it('follows an area drawn on the map: corners clicked on the map, or the visible map from the keyboard', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await signIn(page, served.server.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${served.server.url}/map`);
    await page.getByRole('button', { name: 'Draw an area to follow' }).click();
    const box = await page.locator('svg.map').boundingBox();
    if (box === null) throw new Error('the map is not shown');
    // Three clicks around the middle of the map (0° E, 0° N on the equirectangular world).
    for (const [dx, dy] of [[-40, -40], [40, -40], [0, 40]] as const) await page.mouse.click(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
    await expect(page.locator('.area-watch [role="status"]').first().textContent()).resolves.toBe('3 corners so far.');
    expect(await page.locator('svg.map .area polygon').count()).toBe(1);
    await page.getByLabel('Watchlist name').fill('Gulf of Guinea');
    await page.getByRole('button', { name: 'Follow this area' }).click();
    await page.getByText('Following “Gulf of Guinea”').waitFor();

    // The keyboard way: the visible map as the area.
    await page.getByRole('button', { name: 'Draw an area to follow' }).press('Enter');
    await page.getByRole('button', { name: 'Use the visible map' }).press('Enter');
    await page.getByLabel('Watchlist name').fill('Whole world');
    await page.getByLabel('Watchlist name').press('Enter');
    await page.getByText('Following “Whole world”').waitFor();

    const saved = await page.evaluate<{ name: string; match: { area?: { coordinates: number[][][] } } }[]>(
      `fetch('/rest/v1/watchlists').then((response) => response.json()).then((page) => page.items)`,
    );
    const areas = new Map(saved.map((watchlist) => [watchlist.name, watchlist.match.area?.coordinates[0] ?? []]));
    const drawn = areas.get('Gulf of Guinea') ?? [];
    expect(drawn).toHaveLength(4);
    expect(drawn[0]).toEqual(drawn[3]);
    // The map is 960 map units for 360°: 40 px of the rendered width either side of the middle.
    const degrees = (40 * 360) / box.width;
    expect(drawn[0]?.[0]).toBeCloseTo(-degrees, 0);
    expect(drawn[0]?.[1]).toBeCloseTo(degrees, 0);
    expect(drawn[2]?.[1]).toBeCloseTo(-degrees, 0);
    expect(areas.get('Whole world')).toEqual([[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]);

    await page.goto(`${served.server.url}/watchlists`);
    await page.locator('.watchlists li', { hasText: 'Gulf of Guinea' }).getByText('a drawn area').waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('draws an actor with a relation graph of hundreds of nodes and keeps the page working (answer stubbed in the browser)', async () => {
    const nodes = [
      { id: 'intrusion-set--centre', label: 'Big Group', type: 'intrusion-set' },
      ...Array.from({ length: 399 }, (_, n) => ({ id: `incident--${n}`, label: `Incident ${n}`, type: 'incident' })),
    ];
    const edges = [
      ...Array.from({ length: 399 }, (_, n) => ({ source: `incident--${n}`, target: 'intrusion-set--centre', label: 'claimed by' })),
      ...Array.from({ length: 200 }, (_, n) => ({ source: `incident--${n}`, target: `incident--${(n * 7 + 1) % 399}`, label: 'related to' })),
    ];
    const actor = { id: 'intrusion-set--centre', type: 'intrusion-set', name: 'Big Group', aliases: [], roles: [], incidents: [], graph: { nodes, edges } };
    for (const width of [1280, 390]) {
      const page = await served.browser.newPage({ viewport: { width, height: 900 } });
      const problems = watchProblems(page);
      await signIn(page, served.server.url, 'admin', ADMIN_PASSWORD);
      await page.route('**/rest/v1/actors/*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(actor) }));
      await page.goto(`${served.server.url}/actors/intrusion-set--centre`);
      await page.getByRole('heading', { level: 1, name: 'Big Group' }).waitFor();
      await page.getByRole('img', { name: 'Relation graph of 400 nodes and 599 relations; the list below has them as text' }).waitFor();
      await page.locator('.graph canvas').first().waitFor();
      // The page still answers once the graph is laid out: the list of relations opens from the keyboard.
      await page.getByText('Relations as a list').press('Enter');
      await expect(page.locator('details[open] li').count()).resolves.toBe(599);
      expect(await unnamedControls(page)).toEqual([]);
      if (width === 390) expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(1);
      await screenshot(page, `actor-400-nodes-${width}`);
      expect(problems).toEqual([]);
      await page.close();
    }
  });
});
