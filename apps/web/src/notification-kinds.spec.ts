import { errorsByKind, kindsToShow, NOTIFICATION_KINDS } from './notification-kinds';

describe('notification kinds of the settings page', () => {
  it('lists every kind once', () => {
    const kinds = NOTIFICATION_KINDS.map((entry) => entry.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds).toEqual(expect.arrayContaining(['PAYMENT_FAILED', 'INCREMENT_FAILED', 'ROYALTY_PAID', 'COLLABORATOR_ADDED']));
  });

  it('keeps a kind the api returned that the client does not know', () => {
    const shown = kindsToShow(['PAYMENT_FAILED', 'POLL_CLOSED']);
    expect(shown).toHaveLength(NOTIFICATION_KINDS.length + 1);
    expect(shown.at(-1)).toEqual({ kind: 'POLL_CLOSED', label: 'poll closed' });
  });

  it('puts an index error beside the kind sent at that index, and a list error on the list', () => {
    expect(errorsByKind({ 'emailKinds.1': 'is not a notification kind' }, ['PAYMENT_FAILED', 'POLL_CLOSED'])).toEqual({
      POLL_CLOSED: 'is not a notification kind',
    });
    expect(errorsByKind({ emailKinds: 'too many' }, [])).toEqual({ emailKinds: 'too many' });
    expect(errorsByKind({ 'emailKinds.7': 'out of range' }, ['PAYMENT_FAILED'])).toEqual({ emailKinds: 'out of range' });
    expect(errorsByKind({ email: 'other' }, [])).toEqual({});
  });
});
