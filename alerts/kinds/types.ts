/** What every rule kind gives the engine: a step on a point, and a step on the clock. */
import type { Point } from '../../ingest/point.ts';
import type { EvalContext } from '../match.ts';
import type { EntityState, Transition } from '../types.ts';

export interface PointInput {
  point: Point;
  entity: string;
  /** The entity's `groupBy` tags. */
  tags: Record<string, string>;
  nowMs: number;
  ctx: EvalContext;
}

/** `entity` undefined: nothing worth remembering, the engine forgets the entity. */
export interface KindResult {
  entity: EntityState | undefined;
  transitions: Transition[];
}

export function unchanged(entity: EntityState | undefined): KindResult {
  return { entity, transitions: [] };
}
