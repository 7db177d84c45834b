import { DATASTORE_MAX_PAGE_SIZE, type EventIdSpacing, type ListEventsRequest } from '../plugins/datastore/contract.js';

/** One change event: its ID and the key (entry ID or node SPIFFE ID) of the changed record. */
export interface FeedEvent {
  eventId: number;
  key: string;
}

/** Reads one event table (entries or nodes) of the DataStore. */
export interface EventFeedSource {
  list(req: ListEventsRequest): Promise<FeedEvent[]>;
  /**
   * The events that exist among `eventIds` (at most {@link SKIPPED_POLL_BATCH}), in any order: one
   * query of the store.
   */
  fetchMany(eventIds: number[]): Promise<FeedEvent[]>;
}

/**
 * Skipped event IDs polled per store query (`WHERE id IN (...)`): the DataStore's page size, so
 * each poll is one statement and its parameter list stays far below every dialect's limit.
 */
export const SKIPPED_POLL_BATCH = DATASTORE_MAX_PAGE_SIZE;

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
 * Skipped IDs are polled in batches of {@link SKIPPED_POLL_BATCH} per query, not one query per ID
 * (upstream's per-ID polls storm the database after a gap, SPIRE #6876). Only IDs that the
 * database can hand out are tracked (`setSpacing`): with MySQL's `auto_increment_increment` of 2
 * every other ID never exists, and upstream tracks each as a gap (SPIRE #5341). An ID is taken as
 * possible when it is the session's offset modulo the increment, or shares its remainder with an
 * event already seen (servers writing through other Galera or group-replication members use other
 * offsets).
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
  private increment = 1;
  /** Remainders modulo `increment` that event IDs are known to take. */
  private readonly residues = new Set<number>([0]);

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

  /**
   * Sets how the store assigns event IDs. Changing the increment forgets the remainders seen; the
   * IDs already tracked stay tracked.
   */
  setSpacing(spacing: EventIdSpacing): void {
    const inc = Math.max(1, Math.floor(spacing.increment));
    if (inc !== this.increment) {
      this.increment = inc;
      this.residues.clear();
    }
    this.residues.add(spacing.offset % inc);
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
        this.trackGap(ev.eventId, result);
      }
      this.residues.add(ev.eventId % this.increment);
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

  /** Tracks the possible IDs between the last event seen and `next` (or reports overflow). */
  private trackGap(next: number, result: CollectResult): void {
    const inc = this.increment;
    const starts: number[] = [];
    let count = 0;
    for (const r of this.residues) {
      // The first ID above lastEvent with remainder r.
      const first = this.lastEvent + 1 + ((r - ((this.lastEvent + 1) % inc) + inc) % inc);
      if (first >= next) continue;
      starts.push(first);
      count += Math.floor((next - 1 - first) / inc) + 1;
    }
    if (count === 0) return;
    if (this.skipped.size + count > this.maxSkipped) {
      result.overflow = true;
      return;
    }
    for (const first of starts) for (let id = first; id < next; id += inc) this.skipped.set(id, 0);
  }

  private async pollSkipped(into: Set<string>, result: CollectResult): Promise<void> {
    const due: number[] = [];
    for (const [id, n] of this.skipped) {
      if (n >= this.polls) {
        this.skipped.delete(id);
        continue;
      }
      this.skipped.set(id, n + 1);
      due.push(id);
    }
    for (let i = 0; i < due.length; i += SKIPPED_POLL_BATCH) {
      const batch = due.slice(i, i + SKIPPED_POLL_BATCH);
      let found: FeedEvent[];
      try {
        found = await this.source.fetchMany(batch);
      } catch {
        result.fetchErrors += batch.length;
        continue;
      }
      for (const ev of found) {
        if (!this.skipped.delete(ev.eventId)) continue;
        into.add(ev.key);
      }
    }
  }
}
