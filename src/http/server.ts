import type { AddressInfo } from 'node:net';
import { EntenteError } from '../errors.js';
import { buildApp, type AppDeps } from './app.js';

export interface RunningServer {
  /** Base URL the server listens on, without a trailing slash (e.g. `http://127.0.0.1:8080`). */
  readonly url: string;
  /** Stops accepting requests and waits for those in flight. The store is the caller's to close. */
  close(): Promise<void>;
}

/**
 * Builds the app and listens on `settings.host`:`settings.port` (port 0 picks
 * a free port). Throws `unavailable` naming the address when it cannot listen
 * (port taken, no permission, unknown host).
 */
export async function startServer(deps: AppDeps): Promise<RunningServer> {
  const app = buildApp(deps);
  const { host, port } = deps.settings;
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close();
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new EntenteError('unavailable', `Cannot listen on ${host}:${port} (${reason}); choose another --port or --host`, {
      host,
      port,
      reason,
    });
  }
  const address = app.server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () => app.close(),
  };
}
