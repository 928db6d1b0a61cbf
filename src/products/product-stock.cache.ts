import { randomUUID } from 'node:crypto';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../redis/redis.module';
import type { Keyv } from 'keyv';
import { LRUCache } from 'lru-cache';
import { within } from '../common/async/within';
import { AppConfig } from '../config/app.config';
import { REDIS_CLIENT } from '../redis/redis.module';
import { CatalogueProduct, ProductsRepository } from './products.repository';

/**
 * Every product key shares one hash tag, so the Redis tier's multi-key reads and deletes stay in
 * one slot on a Redis Cluster.
 */
const keyOf = (id: number) => `{catalogue}:product:${id}`;

/** Most products one instance keeps in its in-process tier (least recently used go first). */
export const MEMORY_TIER_SIZE = 50_000;

/** After a write, the shared tier is cleared again this much later, in case a read that started before the write stored the old row meanwhile. */
const SECOND_DELETE_MS = 250;

/**
 * The shared tier only saves Postgres reads, so it may not cost a request much when Redis is slow
 * or down (README, "Failure behaviour"): a read or write of it is waited for this long at most,
 * and after a failure it is left alone for SHARED_PAUSE_MS (Postgres answers meanwhile).
 */
const SHARED_WAIT_MS = 100;
const SHARED_PAUSE_MS = 1000;

/**
 * What cart routes and the public product route read of products (stock, name, price), in two tiers:
 * this instance's memory (an LRU map), then the Redis tier shared by every instance (see
 * CatalogueCacheModule), then Postgres. Entries live PRODUCT_CACHE_TTL_MS. A product write or a
 * checkout on any instance drops the entries everywhere at once: it deletes them from the Redis tier
 * and publishes the ids, and every instance (subscribed) drops them from its memory tier; all of
 * that once more SECOND_DELETE_MS later (deleteAgain). An instance that loses its
 * subscription clears its memory tier when it reconnects (it may have missed messages). Checkout
 * never reads it: it locks the rows in Postgres.
 */
@Injectable()
export class ProductStockCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('CatalogueCache');
  private readonly ttlMs: number;
  private readonly channel: string;
  /** This instance's tier: frozen objects, handed to every reader as they are. */
  private readonly memory: LRUCache<number, CatalogueProduct>;
  private readonly shared: Keyv | null;
  private subscriber: RedisClient | null = null;
  /** Bumped when the memory tier is cleared (a reconnect): no read that began before it stores what it read. */
  private epoch = 0;
  /** Per product, bumped by each invalidation of it: a read of it that began before does not store what it read. */
  private readonly versions = new Map<number, number>();
  /**
   * Loads in flight, by product id. An invalidation drops its ids from here, so a reader that comes
   * after a write never waits for a load that started before it.
   */
  private readonly loading = new Map<number, Promise<CatalogueProduct | undefined>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The shared tier failed: left alone until then. */
  private sharedPausedUntil = 0;
  /** Names this instance's invalidation messages, so it skips its own echo. */
  readonly instanceId = randomUUID();

  constructor(
    @Inject(CACHE_MANAGER) cache: Cache,
    private readonly products: ProductsRepository,
    config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient | null,
  ) {
    this.ttlMs = config.productCacheTtlMs;
    this.channel = `${config.redis.keyPrefix}catalogue-changed`;
    this.memory = new LRUCache({ max: MEMORY_TIER_SIZE, ttl: this.ttlMs > 0 ? this.ttlMs : undefined });
    this.shared = redis ? cache.stores[0] : null;
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis || this.ttlMs === 0) return;
    const subscriber: RedisClient = this.redis instanceof Cluster ? this.redis.duplicate(undefined, { lazyConnect: true }) : this.redis.duplicate({ lazyConnect: true });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined); // the main client logs connection problems
    subscriber.on('message', (_channel: string, message: string) => {
      const { from, ids } = parseMessage(message);
      // this instance dropped them when it published; its own echo, arriving later, would drop entries read since
      if (from !== this.instanceId) this.dropLocal(ids);
    });
    let subscribedOnce = false;
    subscriber.on('ready', () => {
      if (subscribedOnce) {
        // messages may have been missed while disconnected
        this.epoch += 1;
        this.loading.clear();
        this.memory.clear();
      }
      subscribedOnce = true;
    });
    await subscriber.connect();
    await subscriber.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    if (this.subscriber) await this.subscriber.quit().catch(() => this.subscriber?.disconnect());
  }

  /**
   * The products that exist among `ids`, in that order: from memory, then the shared tier, the rest in
   * one query. A product already being loaded for another reader is waited for, not loaded again: when
   * a popular product's entry expires, the readers that miss it meanwhile share one load.
   */
  async getMany(ids: number[]): Promise<CatalogueProduct[]> {
    if (this.ttlMs === 0 || ids.length === 0) return this.products.findStockByIds(ids);
    const hits = ids.map((id) => this.memory.get(id));
    if (!hits.includes(undefined)) return hits as CatalogueProduct[];
    const found = new Map<number, CatalogueProduct>();
    ids.forEach((id, i) => hits[i] && found.set(id, hits[i]));
    const waits: Promise<void>[] = [];
    const toLoad: number[] = [];
    for (const id of new Set(ids)) {
      if (found.has(id)) continue;
      const inFlight = this.loading.get(id);
      if (inFlight) waits.push(inFlight.then((p) => void (p && found.set(id, p))));
      else toLoad.push(id);
    }
    // no await since the memory read: what the versions are now, they were when this read began
    if (toLoad.length > 0) waits.push(this.loadShared(toLoad, this.readBegins(toLoad)).then((loaded) => loaded.forEach((p, id) => found.set(id, p))));
    await Promise.all(waits);
    return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
  }

  /** Starts loading `ids` (none in memory, none being loaded), registered in `loading` until it settles. */
  private loadShared(ids: number[], began: ReadBegan): Promise<Map<number, CatalogueProduct>> {
    const load = this.load(ids, began);
    const byId = ids.map((id) => {
      const one = load.then((loaded) => loaded.get(id));
      one.catch(() => undefined); // a failed load fails its readers; unread, it is not an unhandled rejection
      this.loading.set(id, one);
      return [id, one] as const;
    });
    const settled = () => {
      for (const [id, one] of byId) if (this.loading.get(id) === one) this.loading.delete(id);
    };
    load.then(settled, settled);
    return load;
  }

  /** When a read of `ids` begins: what it must still find for its results to be stored. */
  private readBegins(ids: number[]): ReadBegan {
    return { epoch: this.epoch, versions: new Map(ids.map((id) => [id, this.versions.get(id) ?? 0])) };
  }

  /** `ids` from the shared tier, the rest from Postgres; each stored in the tiers unless it was invalidated since the read began. */
  private async load(ids: number[], began: ReadBegan): Promise<Map<number, CatalogueProduct>> {
    const found = new Map<number, CatalogueProduct>();
    /** Found: for the readers, and (frozen: the memory tier hands the same objects to every reader) for memory if still current; answers whether it was. */
    const keep = (p: CatalogueProduct): boolean => {
      found.set(p.id, p);
      const current = began.epoch === this.epoch && (this.versions.get(p.id) ?? 0) === began.versions.get(p.id);
      if (current) this.memory.set(p.id, Object.freeze(p));
      return current;
    };
    let missing = ids;
    const shared = this.sharedTier();
    if (shared) {
      const fromShared = await within(shared.getMany<CatalogueProduct>(missing.map(keyOf)), SHARED_WAIT_MS).catch(() => this.sharedFailed([] as (CatalogueProduct | undefined)[]));
      for (const p of fromShared) if (p) keep(p);
      missing = missing.filter((id) => !found.has(id));
    }
    if (missing.length > 0) {
      const kept = (await this.products.findStockByIds(missing)).filter(keep);
      // for the other instances: the readers here do not wait for it
      const sharedNow = kept.length > 0 ? this.sharedTier() : null;
      if (sharedNow) void within(sharedNow.setMany(kept.map((p) => ({ key: keyOf(p.id), value: p, ttl: this.ttlMs }))), SHARED_WAIT_MS).catch(() => this.sharedFailed(undefined));
    }
    return found;
  }

  /**
   * These products changed (admin write, checkout): drops them here, in the shared tier and, through
   * the channel, in every other instance's memory. Resolves when the shared tier and the other
   * instances have been told (a Redis failure is logged; the TTL bounds the staleness then).
   */
  async invalidate(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    this.dropLocal(ids);
    if (!this.redis || !this.shared || this.ttlMs === 0) return;
    const keys = ids.map(keyOf);
    try {
      await this.shared.deleteMany(keys);
      await this.announce(ids);
    } catch (err) {
      this.logger.warn(`could not invalidate products ${ids.join(',')} on the other instances: ${err instanceof Error ? err.message : String(err)}`);
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deleteAgain(ids, keys);
    }, SECOND_DELETE_MS);
    timer.unref();
    this.timers.add(timer);
  }

  /**
   * The second delete: a load that read the old row before the write may have stored it in the
   * shared tier since, and any instance may have copied it from there into its memory. So the
   * shared entries go again, then this instance's and (through the channel) every other's memory
   * entries. A Redis failure here is left to the TTL.
   */
  private async deleteAgain(ids: number[], keys: string[]): Promise<void> {
    try {
      await this.shared?.deleteMany(keys);
      this.dropLocal(ids);
      await this.announce(ids);
    } catch {
      /* the TTL bounds it */
    }
  }

  /** Tells every other instance (they drop these from memory; this one skips its own message). */
  private async announce(ids: number[]): Promise<void> {
    await this.redis?.publish(this.channel, `${this.instanceId} ${ids.join(',')}`);
  }

  /** The shared tier, unless it failed less than SHARED_PAUSE_MS ago. */
  private sharedTier(): Keyv | null {
    return this.shared && Date.now() >= this.sharedPausedUntil ? this.shared : null;
  }

  private sharedFailed<T>(fallback: T): T {
    this.sharedPausedUntil = Date.now() + SHARED_PAUSE_MS;
    return fallback;
  }

  private dropLocal(ids: number[]): void {
    for (const id of ids) {
      this.versions.set(id, (this.versions.get(id) ?? 0) + 1);
      this.loading.delete(id);
      this.memory.delete(id);
    }
  }
}

/** What a read must still find for its results to be stored: the epoch, and each of its ids' version. */
interface ReadBegan {
  epoch: number;
  versions: Map<number, number>;
}

/** `<instance> <id>,<id>,...` (a bare id list, as older instances send, counts as another instance's). */
function parseMessage(message: string): { from: string | null; ids: number[] } {
  const space = message.indexOf(' ');
  const from = space >= 0 ? message.slice(0, space) : null;
  const ids = message
    .slice(space + 1)
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  return { from, ids };
}
