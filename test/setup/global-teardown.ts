export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__FOULE_TEST_SERVER__;
  if (!state) return;
  await state.server.dropDatabase(state.template).catch(() => undefined);
  await state.server.stop();
}
