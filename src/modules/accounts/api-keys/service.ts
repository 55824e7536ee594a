// API keys: issue (shown once), verify (cached for at most a second), list, revoke; who may do what.
import { randomUUID } from 'node:crypto'
import { recordAudit } from '../../../platform/auth/audit.ts'
import { authErrors } from '../../../platform/auth/errors.ts'
import { hasScopes, type Principal, type Scope } from '../../../platform/auth/principal.ts'
import { digestOf, digestsEqual } from '../../../platform/auth/secrets.ts'
import type { CacheRegistry } from '../../../platform/cache/cache.ts'
import type { CursorCodec } from '../../../platform/http/cursor.ts'
import { createKeyset } from '../../../platform/db/keyset.ts'
import { invalidField } from '../../../platform/errors/invalid-fields.ts'
import { isUuid } from '../../../platform/http/ids.ts'
import type { AccountsAuditLog } from '../audit.ts'
import type { ClientContext } from '../client-context.ts'
import { accountErrors } from '../errors.ts'
import { API_KEY_PREFIX, generateKey, parseKey } from './key-format.ts'
import type { ApiKeyRow, ApiKeysStore } from './repo.ts'

/** What clients see of a key: never its secret or digest. */
export interface ApiKeyView {
  id: string
  prefix: string
  name: string
  owner_id: string
  scopes: Scope[]
  created_at: string
  expires_at: string | null
  last_used_at: string | null
  revoked_at: string | null
}

export interface ApiKeyInput {
  name: string
  scopes: Scope[]
  expires_at?: string | undefined
  /** Admins only: whose data the key acts on. Defaults to the creating user, or to the key itself. */
  owner_id?: string | undefined
}

/** Who performs an operation: a request's principal, or the operator at the command line. */
export type Actor = Principal | 'cli'

export interface ApiKeysServiceOptions {
  pepper: Buffer
  /** Signs the list's next_cursor (createCursorCodec(SECRET_KEY, 'api-keys')). */
  cursors: CursorCodec
  audit: AccountsAuditLog
  /** How stale a verification may be: a revoked key stops working within this time on every instance. */
  cacheTtlMs: number
  /** Where its cache is made; its invalidations (revocations) reach every process. */
  caches: CacheRegistry
  /** last_used_at is written at most this often per key (not once per request). */
  touchIntervalMs: number
  onTouchError(error: unknown): void
}

const MAX_CACHED_KEYS = 10_000

/** Whether the key's expiry has passed at `now` (ms). */
const isExpired = (row: Pick<ApiKeyRow, 'expires_at'>, now: number) =>
  row.expires_at !== null && row.expires_at.getTime() <= now
/** The verified keys' cache: `bulwark keys revoke` invalidates it on the running servers by this name. */
export const API_KEYS_CACHE = 'api-keys'
/** What an unknown id's secret is compared with: the length of a real digest, matching no secret. */
const DUMMY_DIGEST = 'A'.repeat(43)

export function createApiKeysService(store: ApiKeysStore, options: ApiKeysServiceOptions) {
  const { pepper, audit } = options
  /**
   * Whole keys verified in the last cacheTtlMs: a repeat call costs one map lookup, no HMAC. Only whole
   * keys are cached, never rows by public id: a row cache would answer a wrong secret for a recently used
   * id without the database round trip an unknown id costs, and the difference would tell which ids exist.
   */
  const verified = options.caches.create<{ row: ApiKeyRow; principal: Principal }>({
    name: API_KEYS_CACHE,
    ttlMs: options.cacheTtlMs,
    maxEntries: MAX_CACHED_KEYS,
  })
  /** Newest first: (created_at, id) descending. */
  const keyset = createKeyset({
    codec: options.cursors,
    keys: ['timestamp', 'uuid'],
    positionOf: (row: ApiKeyRow) => [row.created_at.toISOString(), row.id],
  })
  let uses = new Map<string, number>()

  async function flushLastUsed(): Promise<void> {
    if (uses.size === 0) return
    const batch = new Map([...uses].map(([publicId, at]) => [publicId, new Date(at)]))
    uses = new Map()
    await store.touch(batch)
  }
  const timer = setInterval(() => {
    flushLastUsed().catch((error: unknown) => {
      options.onTouchError(error)
    })
  }, options.touchIntervalMs)
  timer.unref()

  /**
   * A revocation during the lookup is not cached over. Each request that misses looks the key up itself
   * (no coalescing): the `postgres` breaker must see an outage at the rate requests arrive.
   */
  async function verifyUncached(key: string): Promise<Principal | undefined> {
    const entry = await verified.fetch(key, () => check(key), { coalesce: false })
    // The entry may come from the cache (verify() found it expired there): an expired key never passes.
    if (entry === undefined || isExpired(entry.row, Date.now())) return undefined
    uses.set(entry.row.public_id, Date.now())
    return entry.principal
  }

  async function check(key: string): Promise<{ row: ApiKeyRow; principal: Principal } | undefined> {
    const parts = parseKey(key)
    if (parts === undefined) return undefined
    // Unknown id or wrong secret, the work is the same: one row lookup, one HMAC, one full comparison
    // (against a dummy digest when there is no row).
    const row = await store.findByPublicId(parts.publicId)
    const fetchedAt = Date.now()
    const matches = digestsEqual(digestOf(pepper, parts.secret), row?.secret_digest ?? DUMMY_DIGEST)
    if (row === undefined || !matches) return undefined
    if (row.revoked_at !== null || isExpired(row, fetchedAt)) return undefined
    // Cached from before the row was read: never more than cacheTtlMs stale.
    return { row, principal: principalOf(row) }
  }

  function principalOf(row: ApiKeyRow): Principal {
    const scopes = new Set(row.scopes as Scope[])
    return Object.freeze({
      id: row.owner_id,
      kind: 'api_key',
      isAdmin: scopes.has('admin'),
      scopes,
      credentialId: row.id,
    })
  }

  function mayManage(actor: Actor): asserts actor is Actor {
    if (actor === 'cli' || actor.kind === 'user' || actor.isAdmin) return
    throw authErrors.PERMISSION_DENIED({ detail: 'Only users and admin keys manage API keys.' })
  }

  function visible(actor: Actor, row: ApiKeyRow | undefined): row is ApiKeyRow {
    return row !== undefined && (actor === 'cli' || actor.isAdmin || row.owner_id === actor.id)
  }

  return {
    async create(actor: Actor, input: ApiKeyInput, context: ClientContext = {}) {
      mayManage(actor)
      const isAdmin = actor === 'cli' || actor.isAdmin
      if (!isAdmin && !hasScopes(actor, input.scopes)) {
        throw authErrors.PERMISSION_DENIED({ detail: 'A key cannot have scopes its creator does not hold.' })
      }
      if (input.owner_id !== undefined && !isAdmin) {
        throw authErrors.PERMISSION_DENIED({ detail: 'Only administrators choose the owner of a key.' })
      }
      const expiresAt = input.expires_at === undefined ? null : new Date(input.expires_at)
      if (expiresAt !== null && expiresAt.getTime() <= Date.now()) {
        throw invalidField({
          location: 'body',
          pointer: '/expires_at',
          message: 'must be in the future',
          detail: 'expires_at must be in the future.',
        })
      }
      const material = generateKey()
      const creator = actor === 'cli' ? 'cli' : actor.id
      const ownerId =
        input.owner_id ??
        (actor !== 'cli' && actor.kind === 'user' ? actor.id : `apikey:${material.publicId}`)
      const row = await store.insert({
        id: randomUUID(),
        public_id: material.publicId,
        secret_digest: digestOf(pepper, material.secret),
        name: input.name,
        owner_id: ownerId,
        created_by: creator,
        scopes: [...new Set(input.scopes)],
        expires_at: expiresAt,
      })
      await recordAudit(audit, context, {
        event: 'api_key.created',
        outcome: 'success',
        actor: creator,
        subject: row.id,
        detail: { name: row.name, owner_id: row.owner_id, scopes: row.scopes },
      })
      return { key: material.key, apiKey: viewOf(row) }
    },

    /** The key's principal, or undefined; checks at most cacheTtlMs-old state. Synchronous on a hit. */
    verify(key: string): Principal | undefined | Promise<Principal | undefined> {
      const now = Date.now()
      const hit = verified.get(key)
      if (hit !== undefined && !isExpired(hit.row, now)) {
        uses.set(hit.row.public_id, now)
        return hit.principal
      }
      return verifyUncached(key)
    },

    async list(actor: Actor, limit: number, cursor: string | undefined) {
      mayManage(actor)
      const position = cursor === undefined ? undefined : keyset.decode(cursor)
      const after = position === undefined ? undefined : { createdAt: new Date(position[0]), id: position[1] }
      const owner = actor === 'cli' || actor.isAdmin ? undefined : actor.id
      const page = keyset.page(await store.list(owner, limit + 1, after), limit)
      return { items: page.items.map(viewOf), next_cursor: page.next_cursor }
    },

    /** Revokes a key by id or public id; revoking twice is not an error. */
    async revoke(actor: Actor, id: string, context: ClientContext = {}): Promise<ApiKeyView> {
      mayManage(actor)
      const row = isUuid(id) ? await store.findById(id) : await store.findByPublicId(withoutPrefix(id))
      if (!visible(actor, row)) throw accountErrors.API_KEY_NOT_FOUND()
      const revoked = await store.revoke(row.id)
      if (revoked === undefined) throw accountErrors.API_KEY_NOT_FOUND()
      // Only this key's entries matter, but they are keyed by the whole key, which never travels on the
      // bus: revocations are rare.
      verified.invalidateAll()
      if (row.revoked_at === null) {
        await recordAudit(audit, context, {
          event: 'api_key.revoked',
          outcome: 'success',
          actor: actor === 'cli' ? 'cli' : actor.id,
          subject: row.id,
          detail: { name: row.name },
        })
      }
      return viewOf(revoked)
    },

    isEmpty: () => store.isEmpty(),
    anyUsed: () => store.anyUsed(),
    flushLastUsed,

    async close(): Promise<void> {
      clearInterval(timer)
      await flushLastUsed().catch((error: unknown) => {
        options.onTouchError(error)
      })
    },
  }
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>

/** A key's public id from its prefix (bk_<public id>) or the id alone. */
function withoutPrefix(id: string): string {
  return id.startsWith(API_KEY_PREFIX) ? id.slice(API_KEY_PREFIX.length) : id
}

function viewOf(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    prefix: `${API_KEY_PREFIX}${row.public_id}`,
    name: row.name,
    owner_id: row.owner_id,
    scopes: row.scopes as Scope[],
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at?.toISOString() ?? null,
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
  }
}
