import type { ListEventsRequest } from '../plugins/datastore/contract.js';

/** One change event: its ID and the key (entry ID or node SPIFFE ID) of the changed record. */
export interface FeedEvent {
  eventId: number;
  key: string;
}

/** Reads one event table (entries or nodes) of the DataStore. */
export interface EventFeedSource {
  list(req: ListEventsRequest): Promise<FeedEvent[]>;
  /** Undefined when the event does not exist (yet). */
  fetch(eventId: number): Promise<FeedEvent | undefined>;
}

/**
 * How many polls a skipped event ID gets: enough polls at `pollMs` to cover `timeoutMs` (each
 * taken as at least one second), and at least one.
 */
export function pollPeriods(pollMs: number, timeoutMs: number): number {
  const poll = Math.max(pollMs, 1000);
  const track = Math.max(timeoutMs, 1000);
  return Math.max(1, 1 + Math.floor((track - 1) / poll));
}

/** What one `collect` call found besides the keys. */
export interface CollectResult {
  /** More skipped event IDs appeared than the feed tracks: the caller should reload fully. */
  overflow: boolean;
  /** Skipped IDs whose fetch failed (other than not found), for the log. */
  fetchErrors: number;
}

/**
 * Follows one event table the way SPIRE's events-based cache does. Event IDs come from a
 * sequence, but a transaction that took its ID early may commit after later ones are visible, so:
 * - an ID missing between two seen events is tracked as skipped and fetched again on each of the
 *   next `polls` calls, until it shows up or the timeout has passed;
 * - for `timeoutMs` after the first event seen, events with smaller IDs are looked for too.
 *
 * `collect` adds the keys of changed records to a set; the caller fetches those records. Not safe
 * to run two `collect` calls at once (the cache serialises them).
 */
export class EventFeed {
  private lastEvent = 0;
  private firstEvent = 0;
  private firstSeenAt: number | undefined;
  private readonly beforeFirst = new Set<number>();
  /** Skipped event ID -> polls it has had. */
  private readonly skipped = new Map<number, number>();

  constructor(
    private readonly source: EventFeedSource,
    private readonly polls: number,
    private readonly timeoutMs: number,
    private readonly now: () => number,
    /** The most skipped IDs tracked at once; beyond that `collect` reports overflow. */
    private readonly maxSkipped = 100_000,
  ) {}

  /** Skipped event IDs being tracked now. */
  get skippedCount(): number {
    return this.skipped.size;
  }

  /** The highest event ID seen. */
  get lastEventId(): number {
    return this.lastEvent;
  }

  /**
   * Adds to `into` the keys of the records changed since the last call. Throws what the store
   * throws when listing fails; then the position is unchanged and the next call retries.
   */
  async collect(into: Set<string>): Promise<CollectResult> {
    const result: CollectResult = { overflow: false, fetchErrors: 0 };
    await this.searchBeforeFirst(into);
    await this.pollSkipped(into, result);
    const events = await this.source.list({ greaterThanEventId: this.lastEvent });
    for (const ev of events) {
      if (ev.eventId <= this.lastEvent) continue;
      if (this.firstSeenAt === undefined) {
        this.firstEvent = ev.eventId;
        this.firstSeenAt = this.now();
      } else {
        const gap = ev.eventId - this.lastEvent - 1;
        if (gap > 0 && this.skipped.size + gap > this.maxSkipped) {
          result.overflow = true;
        } else {
          for (let id = this.lastEvent + 1; id < ev.eventId; id++) this.skipped.set(id, 0);
        }
      }
      into.add(ev.key);
      this.lastEvent = ev.eventId;
    }
    return result;
  }

  private async searchBeforeFirst(into: Set<string>): Promise<void> {
    if (this.firstSeenAt !== undefined && this.now() - this.firstSeenAt <= this.timeoutMs) {
      for (const ev of await this.source.list({ lessThanEventId: this.firstEvent })) {
        if (this.beforeFirst.has(ev.eventId)) continue;
        this.beforeFirst.add(ev.eventId);
        into.add(ev.key);
      }
    } else if (this.beforeFirst.size > 0) {
      this.beforeFirst.clear();
    }
  }

  private async pollSkipped(into: Set<string>, result: CollectResult): Promise<void> {
    for (const [id, n] of [...this.skipped]) {
      if (n >= this.polls) {
        this.skipped.delete(id);
        continue;
      }
      this.skipped.set(id, n + 1);
      let ev: FeedEvent | undefined;
      try {
        ev = await this.source.fetch(id);
      } catch {
        result.fetchErrors++;
        continue;
      }
      if (ev === undefined) continue;
      into.add(ev.key);
      this.skipped.delete(id);
    }
  }
}
