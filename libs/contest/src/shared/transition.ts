/**
 * What a pure state machine answers: the next state, or why the move is refused. The gates
 * turn a refusal into `DomainError.conflict(reason)`; keeping DomainError out of here keeps
 * the machines free of Nest, so jest can load them.
 */
export type Transition<S> = { ok: true; next: S } | { ok: false; reason: string };

export const allow = <S>(next: S): Transition<S> => ({ ok: true, next });
export const refuse = <S>(reason: string): Transition<S> => ({ ok: false, reason });
