/**
 * entrySubmitted over graphql-ws respects blind contests: the holder and the entry's designer
 * hear of it, other designers do not; with REDIS_URL, also on another api instance.
 */
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createTestApp, type TestApp } from './support/test-app';
import { signUp, type SignedUpProfile } from './support/fixtures';
import { picture } from './support/files-fixtures';
import { eventually } from './support/payments-fixtures';
import { CONTEST_TEST_ENV, openContest, submitPicture } from './support/contest-fixtures';
import { CrowdEntrySubmittedDocument } from './documents/graphql';

// Set by the global setup when a Redis answers (TEST_REDIS_URL, default redis://127.0.0.1:6379).
const REDIS_URL = process.env.FOULE_TEST_REDIS_URL;
const withRedis = REDIS_URL ? it : it.skip;

describe('contests: entrySubmitted', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ ...CONTEST_TEST_ENV, ...(REDIS_URL ? { REDIS_URL } : {}) });
  });
  afterAll(() => app.close());

  async function listen(contestId: string, viewer?: SignedUpProfile, baseUrl = app.baseUrl) {
    const client = createClient({
      url: `${baseUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: viewer ? { authorization: `Bearer ${viewer.token}` } : {},
    });
    const events: { id: string; number: number }[] = [];
    client.subscribe(
      { query: print(CrowdEntrySubmittedDocument), variables: { id: contestId } },
      { next: (message) => events.push((message.data as any).entrySubmitted), error: () => undefined, complete: () => undefined },
    );
    return { events, close: () => client.dispose() };
  }

  it('a blind contest tells the holder and the designer, not the other designers', async () => {
    const holder = await signUp(app);
    const [alice, bob] = [await signUp(app), await signUp(app)];
    const contest = await openContest(app, holder, { blind: true });
    const listeners = await Promise.all([listen(contest.id, holder), listen(contest.id, alice), listen(contest.id, bob)]);
    // The server registers subscriptions asynchronously; a first entry shows when the holder's is live.
    const probe = await submitPicture(app, bob, contest.id, await picture(200, 150, 2));
    await eventually(async () => listeners[0].events.some((event) => event.id === probe.id), 10_000, 'the holder to hear of the first entry');
    await eventually(async () => listeners[2].events.length > 0, 10_000, 'bob to hear of his own entry');
    const entry = await submitPicture(app, alice, contest.id, await picture(200, 150, 1));
    await eventually(async () => listeners[0].events.some((event) => event.id === entry.id), 10_000, 'the holder to hear of the entry');
    await eventually(async () => listeners[1].events.some((event) => event.id === entry.id), 10_000, 'alice to hear of her entry');
    // Bob heard of his own entry, so his subscription works; he is not told of Alice's.
    expect(listeners[1].events.map((event) => event.id)).toEqual([entry.id]);
    expect(listeners[2].events.map((event) => event.id)).toEqual([probe.id]);
    for (const listener of listeners) await listener.close();
  });

  withRedis('tells subscribers on another api instance through Redis, blind rules included', async () => {
    const peer = await app.startPeer();
    const holder = await signUp(app);
    const [alice, bob, prober] = [await signUp(app), await signUp(app), await signUp(app)];
    const contest = await openContest(app, holder, { blind: true });
    const listeners = await Promise.all([listen(contest.id, holder, peer.baseUrl), listen(contest.id, alice, peer.baseUrl), listen(contest.id, bob, peer.baseUrl)]);
    // Submits entries of `designer` on the first instance until `heard` holds: the peer subscribes to Redis asynchronously.
    const probeUntil = async (designer: SignedUpProfile, heard: () => boolean, what: string) => {
      const probes: string[] = [];
      await eventually(
        async () => {
          if (!heard()) probes.push((await submitPicture(app, designer, contest.id, await picture(200, 150, 10 + probes.length))).id);
          return heard() || (await new Promise((resolve) => setTimeout(resolve, 300)), heard()) || null;
        },
        20_000,
        what,
      );
      return probes;
    };
    try {
      const proberEntries = await probeUntil(prober, () => listeners[0].events.length > 0, 'the holder on the peer to hear of an entry');
      const bobEntries = await probeUntil(bob, () => listeners[2].events.length > 0, 'bob on the peer to hear of his own entry');
      const entry = await submitPicture(app, alice, contest.id, await picture(200, 150, 4));
      await eventually(async () => listeners[0].events.some((event) => event.id === entry.id), 10_000, 'the holder on the peer to hear of the entry');
      await eventually(async () => listeners[1].events.some((event) => event.id === entry.id), 10_000, 'alice on the peer to hear of her entry');
      // Blind: alice hears only of her entry and bob only of his, though the holder heard of everyone's.
      expect(listeners[1].events.map((event) => event.id)).toEqual([entry.id]);
      expect(listeners[2].events.length).toBeGreaterThan(0);
      for (const event of listeners[2].events) expect(bobEntries).toContain(event.id);
      expect(listeners[0].events.map((event) => event.id)).toEqual(expect.arrayContaining([...bobEntries, entry.id]));
      expect(proberEntries.length).toBeGreaterThan(0);
    } finally {
      for (const listener of listeners) await listener.close();
      await peer.stop();
    }
  });
});
