/**
 * Grouping: transitions of one department, rule and state (and repeats apart from first notices)
 * arriving within `groupWindowMs` of the first make one notification — 40 vessels silent after a storm
 * are one e-mail listing 40 vessels (still 40 `alert` points and 40 MQTT messages). The window is fixed
 * from the group's first item, so a steady trickle cannot delay a notice forever.
 */
import { createHash } from 'node:crypto';
import type { StagedItem } from './outbox.ts';
import type { Notification } from './payload.ts';

interface Group {
  openedAtMs: number;
  items: StagedItem[];
}

export function groupKey(item: StagedItem): string {
  const p = item.payload;
  return `${p.department}|${p.rule}|${p.state}|${item.reason}`;
}

/** One item: its own id (the transition id). Several: a stable id from the sorted item ids. */
export function notificationOf(items: readonly StagedItem[], nowMs: number): Notification {
  const first = items[0] as StagedItem;
  const p = first.payload;
  const id =
    items.length === 1
      ? first.id
      : `${p.rule}:group:${p.state}:${createHash('sha256')
          .update(
            items
              .map((i) => i.id)
              .sort()
              .join('\n'),
          )
          .digest('hex')
          .slice(0, 20)}`;
  return {
    id,
    reason: first.reason,
    department: p.department,
    rule: p.rule,
    severity: p.severity,
    state: p.state,
    transitions: items.map((i) => i.payload),
    createdAtMs: nowMs,
  };
}

export class Grouper {
  readonly #groups = new Map<string, Group>();

  constructor(
    private readonly windowMs: number,
    private readonly flush: (items: StagedItem[]) => void,
  ) {}

  /** Returns true when the item opened a new group (the caller may set a timer for its window). */
  add(item: StagedItem, nowMs: number): boolean {
    const key = groupKey(item);
    const group = this.#groups.get(key);
    if (group) {
      if (!group.items.some((i) => i.id === item.id)) group.items.push(item);
      return false;
    }
    this.#groups.set(key, { openedAtMs: nowMs, items: [item] });
    return true;
  }

  /** Flushes the groups whose window has passed (all of them with `force`). */
  due(nowMs: number, force = false): void {
    for (const [key, group] of this.#groups) {
      if (!force && nowMs - group.openedAtMs < this.windowMs) continue;
      this.#groups.delete(key);
      this.flush(group.items);
    }
  }

  size(): number {
    return this.#groups.size;
  }
}
