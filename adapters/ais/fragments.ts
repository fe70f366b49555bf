/**
 * Reassembly of multi-sentence AIS messages (IEC 61162-1 VDM: fragments 1..n share a sequential message
 * id and a channel). Keyed by (client, topic, seq id, channel), so two receivers never mix fragments.
 * Fragments must arrive in order; anything else drops that key's fragments as `ais_bad_fragment`.
 * A message still incomplete after `timeoutMs` becomes an `ais_orphan_fragment` reject. At most
 * `maxPending` messages wait at once (memory bound under hostile input): beyond it the oldest is dropped.
 */
import type { Reject } from '../types.ts';
import type { VdmSentence } from './sentence.ts';

/** Where a fragment came from: the dead letter for an orphan goes back to that client. */
export interface StreamId {
  client: string;
  topic: string;
}

/** A reject produced away from the message that caused it (timeout, eviction), with its origin. */
export interface FragmentReject extends Reject, StreamId {}

interface Pending {
  stream: StreamId;
  streamKey: string;
  seqId: string;
  channel: string;
  count: number;
  payloads: string[];
  raws: string[];
  startedMs: number;
}

export interface AddResult {
  /** The whole payload once the last fragment arrived (fill bits are the last sentence's). */
  complete?: { payload: string; fillBits: number };
  rejects: Reject[];
}

function streamKeyOf(stream: StreamId): string {
  return `${stream.client}\u0000${stream.topic}`;
}

function describe(p: Pending): string {
  return `fragments ${p.payloads.length} of ${p.count} (seq ${p.seqId}, channel ${p.channel || '-'})`;
}

export class FragmentAssembler {
  readonly #pending = new Map<string, Pending>();
  /** Orphans waiting to be handed out, per stream (bounded by `maxPending` in all). */
  readonly #orphans = new Map<string, FragmentReject[]>();
  #orphanCount = 0;
  #droppedOrphans = 0;

  constructor(
    private readonly timeoutMs: number,
    private readonly maxPending: number,
  ) {}

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Adds one fragment of a message with count > 1. */
  add(stream: StreamId, s: VdmSentence, raw: string, nowMs: number): AddResult {
    const streamKey = streamKeyOf(stream);
    const key = `${streamKey}\u0000${s.seqId}\u0000${s.channel}`;
    const rejects: Reject[] = [];
    const pending = this.#pending.get(key);
    if (s.number === 1) {
      if (pending) {
        this.#pending.delete(key);
        rejects.push(this.#badFragment(pending, 'a new fragment 1 arrived before the message was complete'));
      }
      this.#start(
        key,
        { stream, streamKey, seqId: s.seqId, channel: s.channel, count: s.count },
        s,
        raw,
        nowMs,
      );
      return { rejects };
    }
    if (!pending) {
      rejects.push({
        reason: 'ais_bad_fragment',
        error: `fragment ${s.number} of ${s.count} (seq ${s.seqId}, channel ${s.channel || '-'}) without the fragments before it`,
        raw,
      });
      return { rejects };
    }
    if (s.count !== pending.count || s.number !== pending.payloads.length + 1) {
      this.#pending.delete(key);
      pending.raws.push(raw);
      rejects.push(
        this.#badFragment(
          pending,
          `fragment ${s.number} of ${s.count} arrived where ${pending.payloads.length + 1} of ${pending.count} was due`,
        ),
      );
      return { rejects };
    }
    pending.payloads.push(s.payload);
    pending.raws.push(raw);
    if (s.number < s.count) return { rejects };
    this.#pending.delete(key);
    return { complete: { payload: pending.payloads.join(''), fillBits: s.fillBits }, rejects };
  }

  /** Expires what timed out; returns (and forgets) the orphans of `stream`, keeping the others queued. */
  takeStreamOrphans(stream: StreamId, nowMs: number): FragmentReject[] {
    this.#expire(nowMs);
    const key = streamKeyOf(stream);
    const mine = this.#orphans.get(key);
    if (!mine) return [];
    this.#orphans.delete(key);
    this.#orphanCount -= mine.length;
    return mine;
  }

  /** Expires what timed out; returns (and forgets) every queued orphan. */
  takeAllOrphans(nowMs: number): FragmentReject[] {
    this.#expire(nowMs);
    const all = [...this.#orphans.values()].flat();
    this.#orphans.clear();
    this.#orphanCount = 0;
    if (this.#droppedOrphans > 0) {
      all.push({
        reason: 'ais_orphan_fragment',
        error: `${this.#droppedOrphans} more orphan AIS messages dropped unrecorded (more than ${this.maxPending} queued)`,
        client: '',
        topic: '',
      });
      this.#droppedOrphans = 0;
    }
    return all;
  }

  #start(
    key: string,
    head: Omit<Pending, 'payloads' | 'raws' | 'startedMs'>,
    s: VdmSentence,
    raw: string,
    nowMs: number,
  ): void {
    if (this.#pending.size >= this.maxPending) {
      const [oldestKey, oldest] = this.#pending.entries().next().value ?? [];
      if (oldestKey !== undefined && oldest) {
        this.#pending.delete(oldestKey);
        this.#queue(oldest, `dropped: more than ${this.maxPending} AIS messages were awaiting fragments`);
      }
    }
    this.#pending.set(key, { ...head, payloads: [s.payload], raws: [raw], startedMs: nowMs });
  }

  // Map order is arrival order of fragment 1, so the expired ones are at the front.
  #expire(nowMs: number): void {
    for (const [key, p] of this.#pending) {
      if (nowMs - p.startedMs <= this.timeoutMs) break;
      this.#pending.delete(key);
      this.#queue(p, `waited more than ${this.timeoutMs} ms for the rest`);
    }
  }

  #queue(p: Pending, why: string): void {
    if (this.#orphanCount >= this.maxPending) {
      this.#droppedOrphans++;
      return;
    }
    const reject: FragmentReject = {
      reason: 'ais_orphan_fragment',
      error: `${describe(p)} from ${p.stream.client} on ${p.stream.topic} ${why}`,
      raw: p.raws.join('\n'),
      client: p.stream.client,
      topic: p.stream.topic,
    };
    const list = this.#orphans.get(p.streamKey);
    if (list) list.push(reject);
    else this.#orphans.set(p.streamKey, [reject]);
    this.#orphanCount++;
  }

  #badFragment(p: Pending, why: string): Reject {
    return { reason: 'ais_bad_fragment', error: `${describe(p)} dropped: ${why}`, raw: p.raws.join('\n') };
  }
}
