import type { Command } from 'commander';
import { loadSettings, type Settings, type SettingsInput } from '../config/settings.js';
import { openStore, type OpenStoreOptions } from '../store/open-store.js';

/** The option every command takes to choose its database (like `serve`). */
export function addDbOption(command: Command): Command {
  return command.option('--db <file|url>', 'SQLite file or postgres:// URL (default: ENTENTE_DB or ./data/entente.db)');
}

/** Settings from the environment, with command-line flags winning. */
export function settingsFrom(flags: Partial<SettingsInput>): Settings {
  return loadSettings(process.env, flags);
}

export type OpenedStore = Awaited<ReturnType<typeof openStore>>;

/**
 * Opens the database the flags and environment name, brings its schema up to
 * date, runs `work`, and closes it whatever happens.
 */
export async function withStore<T>(
  flags: { db?: string },
  work: (opened: OpenedStore, settings: Settings) => Promise<T>,
  options: OpenStoreOptions = {},
): Promise<T> {
  const settings = settingsFrom({ db: flags.db });
  const opened = await openStore(settings.db, options);
  try {
    await opened.store.migrate();
    return await work(opened, settings);
  } finally {
    await opened.store.close();
  }
}

/** Writes one line of data to stdout: JSON when asked, text otherwise. */
export function printData(json: boolean, data: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${text()}\n`);
}
