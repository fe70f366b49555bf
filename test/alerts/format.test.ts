import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../alerts/delivery.ts';
import { formatDuration, parseDuration } from '../../alerts/duration.ts';
import { Grouper, notificationOf } from '../../alerts/grouper.ts';
import { messageIdFor, notificationIdFromMessageId } from '../../alerts/notifiers/email-format.ts';
import { Outbox, type StagedItem } from '../../alerts/outbox.ts';
import type { TransitionPayload } from '../../alerts/payload.ts';
import { alertTopic, escapeTopicLevel } from '../../alerts/topic.ts';
import { transitionId } from '../../alerts/transition.ts';

const log = pino({ level: 'silent' });

function item(entity: string, id = `r:${entity}:firing:1`): StagedItem {
  const payload = {
    transition_id: id,
    department: 'fisheries',
    rule: 'r',
    state: 'firing',
    severity: 'warning',
    entity,
  };
  return { id, reason: 'transition', payload: payload as TransitionPayload, stagedAtMs: 0 };
}

describe('ids, topics, durations', () => {
  it('escapes /, +, #, % (and NUL) in a topic level, reversibly; keeps mmsi:… readable', () => {
    expect(alertTopic('fisheries', 'vms-silent-6h', 'mmsi:574001230')).toBe(
      'alerts/fisheries/vms-silent-6h/mmsi:574001230',
    );
    expect(escapeTopicLevel('cam/north#1+2 50%')).toBe('cam%2Fnorth%231%2B2 50%25');
    expect(decodeURIComponent(escapeTopicLevel('cam/north#1+2 50%'))).toBe('cam/north#1+2 50%');
  });

  it('transition ids are stable and header-safe; the e-mail Message-ID carries them reversibly', () => {
    expect(transitionId('pm25-high', 'trạm huế/1', 'firing', 1740787200000)).toBe(
      'pm25-high:tr%E1%BA%A1m%20hu%E1%BA%BF%2F1:firing:1740787200000',
    );
    const id = 'vms-silent-6h:mmsi:574001230:firing:1740787200000';
    const messageId = messageIdFor(id);
    expect(messageId).toMatch(/^<[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+@hub>$/);
    expect(notificationIdFromMessageId(messageId)).toBe(id);
  });

  it('parses durations and formats them compactly', () => {
    expect([parseDuration('30s'), parseDuration('15m'), parseDuration('6h'), parseDuration('10d')]).toEqual([
      30_000, 900_000, 21_600_000, 864_000_000,
    ]);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('six hours')).toBeNull();
    expect(formatDuration(6 * 3_600_000 + 5 * 60_000)).toBe('6h5m');
    expect(formatDuration(10 * 86_400_000)).toBe('10d');
  });

  it('backs off exponentially up to the cap', () => {
    const retry = { minMs: 1000, maxMs: 8000, maxAgeMs: 1 };
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffMs(retry, n))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });
});

describe('grouping', () => {
  it('one notification per department+rule+state within the window, with an id stable under reordering', () => {
    const flushed: StagedItem[][] = [];
    const grouper = new Grouper(2000, (items) => flushed.push(items));
    grouper.add(item('A'), 0);
    grouper.add(item('B'), 1500);
    grouper.add(item('B'), 1600); // the same item again (a replayed stage): once
    grouper.due(1999);
    expect(flushed).toEqual([]);
    grouper.due(2000);
    expect(flushed.map((g) => g.map((i) => i.payload.entity))).toEqual([['A', 'B']]);
    const ab = notificationOf([item('A'), item('B')], 0);
    const ba = notificationOf([item('B'), item('A')], 0);
    expect(ab.id).toBe(ba.id);
    expect(notificationOf([item('A')], 0).id).toBe('r:A:firing:1');
  });
});

describe('outbox', () => {
  it('replays what is owed after a restart, skips a torn last line, and refuses a delivered id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-test-'));
    try {
      const entry = (id: string) => ({
        id: `hook|${id}`,
        notifier: 'hook',
        notification: notificationOf([item(id, id)], 0),
        createdAtMs: 0,
        attempts: 0,
        nextAttemptMs: 0,
      });
      const first = new Outbox(dir, log);
      first.load();
      first.add(entry('a'));
      first.add(entry('b'));
      first.stage(item('C'));
      first.flush();
      first.done('hook|a');
      first.flush();
      writeFileSync(
        join(dir, 'outbox.jsonl'),
        `${readFileSync(join(dir, 'outbox.jsonl'), 'utf8')}{"op":"add","ent`,
      );

      const second = new Outbox(dir, log);
      second.load();
      expect(second.head('hook')?.id).toBe('hook|b');
      expect(second.pending()).toBe(1);
      expect(second.staged().map((i) => i.id)).toEqual(['r:C:firing:1']);
      expect(second.add(entry('a'))).toBe(false);
      expect(second.add(entry('b'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
