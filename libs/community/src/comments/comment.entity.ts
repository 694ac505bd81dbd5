import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A comment on a subject of another module (a campaign, an update, a contest, an entry), by id
 * only: no foreign key crosses schemas. Replies carry the root comment's id in parent_id
 * (one level). A deleted comment keeps its row, loses its body.
 */
@Entity({ schema: 'community', name: 'comments' })
@Index('comments_subject_roots_idx', ['subjectId', 'id'], { where: 'parent_id IS NULL' })
@Index('comments_parent_idx', ['parentId', 'id'], { where: 'parent_id IS NOT NULL' })
export class CommentEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  subjectId: string;

  @Column('text', { nullable: true })
  parentId: string | null;

  @Column('text')
  authorId: string;

  @Column('text')
  body: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  deletedAt: Date | null;

  @Column('text', { nullable: true })
  deletedBy: string | null;
}
