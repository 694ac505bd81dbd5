/**
 * Opaque, prefixed, time-ordered ids (`prf_01JD…`). The prefix names the type, so `node(id)`
 * and polymorphic subjects resolve by prefix; the ULID body sorts by creation time, so keyset
 * pagination can order by id alone.
 */
import { randomFillSync } from 'node:crypto';
import { decodeTime, monotonicFactory, ulid } from 'ulid';

export const ID_PREFIXES = {
  profile: 'prf',
  refreshToken: 'rft',
  emailToken: 'etk',
  comment: 'cmt',
  notification: 'ntf',
  campaign: 'cmp',
  rewardTier: 'tir',
  addOn: 'ado',
  stretchGoal: 'stg',
  pledge: 'pld',
  campaignUpdate: 'cup',
  contest: 'ctt',
  entry: 'ent',
  entryRevision: 'rev',
  asset: 'ast',
  poll: 'pol',
  payoutAccount: 'pac',
  payout: 'pay',
  journalEntry: 'jrn',
  posting: 'pst',
  outbox: 'obx',
  paymentMethod: 'pmt',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type IdPrefix = (typeof ID_PREFIXES)[IdKind];

/**
 * ulid's own generator draws each of a ULID's 16 random characters with a crypto call of its
 * own (one byte each); this one takes the same cryptographic bytes, one per character, from a
 * buffer refilled 4 KiB at a time. Same distribution (byte / 256), a fraction of the calls.
 */
const randomBytePool = new Uint8Array(4096);
let randomByteAt = randomBytePool.length;
function pooledRandomFraction(): number {
  if (randomByteAt === randomBytePool.length) {
    randomFillSync(randomBytePool);
    randomByteAt = 0;
  }
  return randomBytePool[randomByteAt++] / 256;
}

const nextUlid = monotonicFactory(pooledRandomFraction);

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${nextUlid()}`;
}

/** A bare monotonic ULID from the same generator, for ids of other shapes (the sandbox provider's). */
export function newUlid(): string {
  return nextUlid();
}

const ID_PATTERN = /^([a-z]{3})_([0-9A-HJKMNP-TV-Z]{26})$/;

/**
 * An id of `kind` that sorts at the time of `earlier` (an id of ours), not at now: for a row made
 * later on behalf of a fact (a notification delivered from its outbox row), so that lists ordered
 * by id follow the facts' order, not the order their deliveries happened to run in. Not
 * monotonic: ids made for the same millisecond sort among themselves at random.
 */
export function newIdAt(kind: IdKind, earlier: string): string {
  const match = ID_PATTERN.exec(earlier);
  if (!match) throw new Error(`newIdAt: ${earlier} is not one of our ids`);
  return `${ID_PREFIXES[kind]}_${ulid(decodeTime(match[2]), pooledRandomFraction)}`;
}

/** The kind an id belongs to, or undefined for anything that is not one of our ids. */
export function idKind(id: string): IdKind | undefined {
  const match = ID_PATTERN.exec(id);
  if (!match) return undefined;
  return (Object.keys(ID_PREFIXES) as IdKind[]).find((kind) => ID_PREFIXES[kind] === match[1]);
}

export function isIdOf(kind: IdKind, id: string): boolean {
  return idKind(id) === kind;
}
