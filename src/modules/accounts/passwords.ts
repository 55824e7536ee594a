// Password hashing with scrypt (OWASP parameters by default): explicit memory, a cap on concurrent hashes
// so logins cannot starve the libuv thread pool that DNS and file I/O share, and a bounded wait queue.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { accountErrors } from './errors.ts'

export interface HashingOptions {
  /** log2 of scrypt's N (cost); OWASP: 17 with r=8, p=1 (128 MiB per hash). */
  logN: number
  /** Hashes running at once; keep below UV_THREADPOOL_SIZE (4 by default). */
  concurrency: number
  /** Hashes waiting for a slot; beyond it, 503 at once. */
  queueMax: number
  /** Longest wait for a slot before 503 + Retry-After. */
  queueTimeoutMs: number
}

interface Params {
  logN: number
  r: number
  p: number
}

const R = 8
const P = 1
const KEY_LENGTH = 32
const SALT_LENGTH = 16
const HASH_PATTERN =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/

/** scrypt's working memory is 128·N·r·p bytes; maxmem must cover it (Node refuses beyond 32 MiB by default). */
export function scryptMemoryBytes({ logN, r, p }: Params): number {
  return 128 * 2 ** logN * r * p
}

export function createPasswordHasher(options: HashingOptions) {
  const current: Params = { logN: options.logN, r: R, p: P }
  let running = 0
  const waiting: (() => void)[] = []

  function release() {
    running -= 1
    const next = waiting.shift()
    if (next !== undefined) {
      running += 1
      next()
    }
  }

  async function acquire(): Promise<void> {
    if (running < options.concurrency) {
      running += 1
      return
    }
    if (waiting.length >= options.queueMax) throw busy()
    await new Promise<void>((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        const index = waiting.indexOf(wake)
        if (index !== -1) waiting.splice(index, 1)
        reject(busy())
      }, options.queueTimeoutMs)
      waiting.push(wake)
    })
  }

  async function derive(password: string, salt: Buffer, params: Params): Promise<Buffer> {
    await acquire()
    try {
      const scryptOptions: ScryptOptions = {
        N: 2 ** params.logN,
        r: params.r,
        p: params.p,
        maxmem: scryptMemoryBytes(params) + 1024 * 1024,
      }
      return await new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, scryptOptions, (error, key) => {
          if (error === null) resolve(key)
          else reject(error)
        })
      })
    } finally {
      release()
    }
  }

  return {
    async hash(password: string): Promise<string> {
      const salt = randomBytes(SALT_LENGTH)
      const key = await derive(password, salt, current)
      return `$scrypt$ln=${current.logN},r=${current.r},p=${current.p}$${salt.toString('base64url')}$${key.toString('base64url')}`
    },

    /**
     * Checks a password against a stored hash. With `stored` undefined (unknown account) a dummy hash at
     * the current parameters is computed, so the answer takes as long as for a wrong password.
     */
    async verify(password: string, stored: string | undefined): Promise<{ ok: boolean; rehash: boolean }> {
      const match = stored === undefined ? null : HASH_PATTERN.exec(stored)
      if (match === null) {
        await derive(password, randomBytes(SALT_LENGTH), current)
        return { ok: false, rehash: false }
      }
      const params = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) }
      const key = await derive(password, Buffer.from(match[4] ?? '', 'base64url'), params)
      const ok = timingSafeEqual(key, Buffer.from(match[5] ?? '', 'base64url'))
      const rehash = ok && (params.logN < current.logN || params.r !== current.r || params.p !== current.p)
      return { ok, rehash }
    },

    stats: () => ({ running, waiting: waiting.length }),
  }
}

export type PasswordHasher = ReturnType<typeof createPasswordHasher>

function busy() {
  return accountErrors.AUTH_BUSY({ headers: { 'retry-after': '1' } })
}
