export { TaxiiClient, type StatusWaitOptions } from './taxii-client.js';
export { TaxiiTransport, type TaxiiAuth, type TransportOptions, type TaxiiResponse } from './taxii-transport.js';
export { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry-policy.js';
export { filterQuery } from './object-filter.js';
export * from './taxii-resources.js';
