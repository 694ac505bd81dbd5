import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { AssetPurpose } from './upload-rules';

/** pg returns `bigint` as a string; the perceptual hash is a signed 64-bit value, so a JS bigint. */
const bigintAsBigInt: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? value : value.toString()),
  from: (value: string | null) => (value === null || value === undefined ? value : BigInt(value)),
};

/**
 * An uploaded file. Created PENDING by createUpload with what the client declared; claimed
 * once, by its owner, when a use (an entry, a handover) has verified its bytes.
 */
@Entity({ schema: 'files', name: 'assets' })
@Index('assets_owner_idx', ['ownerId', 'id'])
@Check('assets_byte_size_positive', `"byte_size" > 0`)
@Check('assets_claimed_together', `("claimed_at" IS NULL) = ("claimed_for" IS NULL)`)
export class AssetEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  ownerId: string;

  @Column('text')
  filename: string;

  /** Declared by the client; once claimed, also what the bytes are. */
  @Column('text')
  contentType: string;

  @Column('integer')
  byteSize: number;

  @Column('integer', { nullable: true })
  width: number | null;

  @Column('integer', { nullable: true })
  height: number | null;

  @Column('boolean', { default: false })
  hasThumbnail: boolean;

  @Column('bigint', { nullable: true, transformer: bigintAsBigInt })
  perceptualHash: bigint | null;

  @Column('text', { nullable: true })
  claimedFor: AssetPurpose | null;

  @Column('timestamptz', { nullable: true })
  claimedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
