import type { AddressInfo } from 'node:net';
import { buildApp, type AppDeps } from './app.js';

export interface RunningServer {
  /** Base URL the server listens on, without a trailing slash (e.g. `http://127.0.0.1:8080`). */
  readonly url: string;
  /** Stops accepting requests and waits for those in flight. The store is the caller's to close. */
  close(): Promise<void>;
}

/** Builds the app and listens on `settings.host`:`settings.port` (port 0 picks a free port). */
export async function startServer(deps: AppDeps): Promise<RunningServer> {
  const app = buildApp(deps);
  await app.listen({ host: deps.settings.host, port: deps.settings.port });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () => app.close(),
  };
}
