// In CI only, an e2e test that fails is run once more, and its first failure is printed in full.
// These tests drive real processes (the api, PostgreSQL, a browser) on a shared 2-core machine,
// where a rare timing fault must not throw away a whole build; a test that fails twice still
// fails it, and every first failure stays in the log to be fixed. Locally nothing is retried.
if (process.env.CI) jest.retryTimes(1, { logErrorsBeforeRetry: true });
