/**
 * Comments on campaigns and campaign updates: one level of replies, plain text, soft delete,
 * the subject's own reading rules (a backers-only update), and pages that cost the same SQL
 * statements however many campaigns, comments and replies they hold.
 */
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp, signUpAdmin, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, createCampaign, liveCampaign, ok, pledge, signUpCreator } from './support/funding-fixtures';
import { waitForNotification } from './support/community-fixtures';

const COMMENT_FIELDS = 'id body subjectId parentId deleted createdAt author { id }';
const ADD = `mutation($input: AddCommentInput!) { addComment(input: $input) { ${COMMENT_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteComment(id: $id) { ${COMMENT_FIELDS} } }`;
const CAMPAIGN_COMMENTS = `query($id: ID!) { campaign(id: $id) { comments { totalCount edges { node { ${COMMENT_FIELDS} replies { totalCount edges { node { ${COMMENT_FIELDS} } } } } } } } }`;

describe('comments', () => {
  let app: TestApp;
  let creator: SignedUpProfile;
  let campaign: { id: string };

  beforeAll(async () => {
    app = await createTestApp(FUNDING_TEST_ENV);
    creator = await signUpCreator(app);
    campaign = await liveCampaign(app, creator);
  });
  afterAll(() => app.close());

  const add = (profile: SignedUpProfile, input: { subjectId: string; body: string; parentId?: string }) =>
    app.gql(ADD, { input }, profile.token);

  it('threads replies one level deep: a reply to a reply joins the root, and tells whom it answers', async () => {
    const [alice, bob] = [await signUp(app), await signUp(app)];
    const root = ok(await add(alice, { subjectId: campaign.id, body: 'Will it ship to Canada?' }), 'addComment');
    expect(root).toMatchObject({ subjectId: campaign.id, parentId: null, deleted: false, author: { id: alice.id } });
    const reply = ok(await add(creator, { subjectId: campaign.id, body: 'Yes', parentId: root.id }), 'addComment');
    const replyToReply = ok(await add(bob, { subjectId: campaign.id, body: 'Great, thanks!', parentId: reply.id }), 'addComment');
    expect(reply.parentId).toBe(root.id);
    expect(replyToReply.parentId).toBe(root.id);

    const comments = ok(await app.gql(CAMPAIGN_COMMENTS, { id: campaign.id }), 'campaign').comments;
    const thread = comments.edges.find((edge: any) => edge.node.id === root.id).node;
    expect(thread.replies.totalCount).toBe(2);
    expect(thread.replies.edges.map((edge: any) => edge.node.id)).toEqual([reply.id, replyToReply.id]);
    expect(comments.edges.map((edge: any) => edge.node.id)).not.toContain(reply.id);

    const toAlice = await waitForNotification(app, alice, 'COMMENT_REPLY', reply.id);
    expect(toAlice.relatedIds).toEqual([campaign.id, root.id]);
    await waitForNotification(app, creator, 'COMMENT_REPLY', replyToReply.id);
  });

  it('refuses bad bodies with BAD_USER_INPUT naming the field, and unknown or wrong-type subjects and parents', async () => {
    const author = await signUp(app);
    for (const body of ['', '   ', 'x'.repeat(5001)]) {
      const result = await add(author, { subjectId: campaign.id, body });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0].extensions.fields).toContainEqual({
        path: 'body',
        message: expect.stringMatching(/blank|1 to 5000 characters/),
      });
    }
    expect(ok(await add(author, { subjectId: campaign.id, body: 'x'.repeat(5000) }), 'addComment').body).toHaveLength(5000);
    expect(errorCode(await add(author, { subjectId: 'cmp_01JD0000000000000000000000', body: 'Hi' }))).toBe('NOT_FOUND');
    expect(errorCode(await add(author, { subjectId: author.id, body: 'A profile takes no comments' }))).toBe('NOT_FOUND');
    expect(errorCode(await add(author, { subjectId: 'not-an-id', body: 'Hi' }))).toBe('NOT_FOUND');
    expect(errorCode(await add(author, { subjectId: campaign.id, body: 'Hi', parentId: 'cmt_01JD0000000000000000000000' }))).toBe(
      'NOT_FOUND',
    );
    const draft = await createCampaign(app, creator);
    expect(errorCode(await add(author, { subjectId: draft.id, body: 'A draft is not public' }))).toBe('NOT_FOUND');
    const other = await liveCampaign(app, creator);
    const elsewhere = ok(await add(author, { subjectId: other.id, body: 'Elsewhere' }), 'addComment');
    const misplaced = await add(author, { subjectId: campaign.id, body: 'Hi', parentId: elsewhere.id });
    expect(errorCode(misplaced)).toBe('BAD_USER_INPUT');
    expect(misplaced.errors![0].extensions.fields).toEqual([{ path: 'parentId', message: 'is a comment on another subject' }]);
    expect(errorCode(await app.gql(ADD, { input: { subjectId: campaign.id, body: 'Anonymous' } }))).toBe('UNAUTHENTICATED');
  });

  it('is soft-deleted by its author or an admin, never by anyone else', async () => {
    const [author, stranger, admin] = [await signUp(app), await signUp(app), await signUpAdmin(app)];
    const mine = ok(await add(author, { subjectId: campaign.id, body: 'Oops' }), 'addComment');
    expect(errorCode(await app.gql(DELETE, { id: mine.id }, stranger.token))).toBe('FORBIDDEN');
    expect(errorCode(await app.gql(DELETE, { id: 'cmt_01JD0000000000000000000000' }, author.token))).toBe('NOT_FOUND');
    expect(ok(await app.gql(DELETE, { id: mine.id }, author.token), 'deleteComment')).toMatchObject({
      id: mine.id,
      deleted: true,
      body: '',
    });
    const theirs = ok(await add(stranger, { subjectId: campaign.id, body: 'Spam' }), 'addComment');
    expect(ok(await app.gql(DELETE, { id: theirs.id }, admin.token), 'deleteComment')).toMatchObject({ deleted: true, body: '' });
    const listed = ok(await app.gql(CAMPAIGN_COMMENTS, { id: campaign.id }), 'campaign').comments.edges.map(
      (edge: any) => edge.node,
    );
    expect(listed.find((comment: any) => comment.id === mine.id)).toMatchObject({ deleted: true, body: '' });
    expect((await app.sql(`SELECT body FROM community.comments WHERE id = $1`, [mine.id]))[0].body).toBe('');
    expect(errorCode(await add(author, { subjectId: campaign.id, body: 'Reply', parentId: mine.id }))).toBe('CONFLICT');
  });

  it('on a backers-only update, only those who may read the update read and write its comments', async () => {
    const own = await liveCampaign(app, creator);
    const [backer, outsider] = [await signUp(app), await signUp(app)];
    ok(await pledge(app, backer, { campaignId: own.id, amount: 900 }), 'pledge');
    const update = ok(
      await app.gql(
        `mutation($id: ID!) { postCampaignUpdate(campaignId: $id, input: { title: "Secret", body: "For backers", backersOnly: true }) { id } }`,
        { id: own.id },
        creator.token,
      ),
      'postCampaignUpdate',
    );
    ok(await add(backer, { subjectId: update.id, body: 'Lovely' }), 'addComment');
    expect(errorCode(await add(outsider, { subjectId: update.id, body: 'Let me in' }))).toBe('FORBIDDEN');
    const commentsAs = async (token?: string) =>
      ok(
        await app.gql(
          `query($id: ID!) { campaign(id: $id) { updates { edges { node { body comments { totalCount } } } } } }`,
          { id: own.id },
          token,
        ),
        'campaign',
      ).updates.edges[0].node;
    expect(await commentsAs(backer.token)).toEqual({ body: 'For backers', comments: { totalCount: 1 } });
    expect(await commentsAs(creator.token)).toEqual({ body: 'For backers', comments: { totalCount: 1 } });
    expect(await commentsAs(outsider.token)).toEqual({ body: null, comments: { totalCount: 0 } });
    expect(await commentsAs()).toEqual({ body: null, comments: { totalCount: 0 } });
  });

  it('answers a page of campaigns with comments and replies in a constant number of SQL statements', async () => {
    const commenter = await signUp(app);
    const category = `Cost${Date.now()}`;
    for (let i = 0; i < 6; i++) {
      const each = await liveCampaign(app, creator, { category });
      for (let j = 0; j < 2; j++) {
        const root = ok(await add(commenter, { subjectId: each.id, body: `Question ${j}` }), 'addComment');
        ok(await add(creator, { subjectId: each.id, body: 'Answer', parentId: root.id }), 'addComment');
      }
    }
    const page = `query($first: Int!, $category: String) { campaigns(first: $first, filter: { category: $category }) { edges { node { id
      comments(first: 5) { totalCount edges { node { body deleted author { handle } replies(first: 5) { totalCount edges { node { body author { handle } } } } } } }
    } } } }`;
    const small = await app.gql(page, { first: 2, category }, commenter.token);
    const large = await app.gql(page, { first: 6, category }, commenter.token);
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.data!.campaigns.edges).toHaveLength(6);
    expect(large.data!.campaigns.edges[5].node.comments.edges[0].node.replies.totalCount).toBe(1);
    expect(large.extensions?.sqlStatements).toBe(small.extensions?.sqlStatements);
    console.log(
      `comments page: ${small.extensions?.sqlStatements} statements for 2 campaigns, ${large.extensions?.sqlStatements} for 6`,
    );
  });
});
