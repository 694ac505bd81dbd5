import { recipientsOf, type NotificationNotice } from './notification-notice';

const notice = (overrides: Partial<NotificationNotice>): NotificationNotice => ({
  key: 'k',
  kind: 'UPDATE_POSTED',
  message: 'm',
  subjectId: null,
  ...overrides,
});

describe('recipientsOf', () => {
  it('tells each profile once, whether named directly or in several audiences', () => {
    expect(
      recipientsOf(notice({ recipients: ['prf_a'] }), [
        ['prf_a', 'prf_b'],
        ['prf_b', 'prf_c'],
      ]).sort(),
    ).toEqual(['prf_a', 'prf_b', 'prf_c']);
  });

  it('leaves out the excepted profiles, wherever they come from', () => {
    expect(recipientsOf(notice({ recipients: ['prf_a'], except: ['prf_a', 'prf_c'] }), [['prf_b', 'prf_c']])).toEqual(['prf_b']);
  });
});
