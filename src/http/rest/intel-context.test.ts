import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { caughtUpOrWaited } from './intel-context.js';

describe('waiting for the incident index before a query', () => {
  it('answers as soon as the catch-up ends', async () => {
    const started = Date.now();
    await caughtUpOrWaited(Promise.resolve(3), pino({ level: 'silent' }), 5_000);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('stops waiting for a catch-up still working through a backlog', async () => {
    const started = Date.now();
    await caughtUpOrWaited(new Promise(() => undefined), pino({ level: 'silent' }), 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('answers from the index as it stands when the catch-up fails, and logs why', async () => {
    const warnings: unknown[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) });
    await expect(caughtUpOrWaited(Promise.reject(new Error('database is locked')), logger, 5_000)).resolves.toBeUndefined();
    expect(warnings).toEqual([expect.objectContaining({ msg: 'incident index: catching up before a query failed' })]);
  });
});
