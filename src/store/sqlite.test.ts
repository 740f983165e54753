import { storeContract } from './contract-suite.js';
import { openStore } from './open-store.js';

storeContract('SQLite', async () => {
  const opened = await openStore(':memory:');
  return { opened, dispose: async () => opened.store.close() };
});
