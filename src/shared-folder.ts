import { fileURLToPath } from 'node:url';

/**
 * The shared folder holding the seed article and the development articles:
 * ENTENTE_SHARED_DIR, or `shared` beside the checkout (src/ and dist/ both sit
 * one level below the package root, so one relative path serves both).
 */
export function sharedFolder(): string {
  return process.env.ENTENTE_SHARED_DIR ?? fileURLToPath(new URL('../../shared', import.meta.url));
}
