// Outside production, an unset SECRET_KEY is generated once and kept in DATA_DIR/secret-key, so API keys,
// refresh tokens and the derived signing key survive restarts of `npm start`. Production never gets here:
// there a missing SECRET_KEY is refused.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from './config.ts'

const FILE_NAME = 'secret-key'

export interface DevelopmentSecret {
  config: Readonly<Config>
  /** Said once, at info: when the secret was generated now (not when an earlier start's file was read). */
  notice: string | undefined
}

/** The configuration with a persisted secret, or unchanged when SECRET_KEY was set or nothing persists. */
export function withPersistentDevelopmentSecret(config: Readonly<Config>): DevelopmentSecret {
  const { dataDir } = config.db
  if (!config.security.secretKeyGenerated) return { config, notice: undefined }
  if (dataDir.startsWith('memory://')) {
    return {
      config,
      notice: 'SECRET_KEY is not set: using a random one for this process (DATA_DIR is memory://)',
    }
  }
  const path = join(dataDir, FILE_NAME)
  let secretKey: string
  let notice: string | undefined
  try {
    secretKey = readFileSync(path, 'utf8').trim()
  } catch {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    secretKey = randomBytes(48).toString('base64')
    // wx: if another process created it meanwhile, keep theirs.
    try {
      writeFileSync(path, `${secretKey}\n`, { mode: 0o600, flag: 'wx' })
      notice = `SECRET_KEY is not set: generated one for development in ${path}, kept for later starts (set SECRET_KEY to choose your own)`
    } catch {
      secretKey = readFileSync(path, 'utf8').trim()
    }
  }
  return {
    config: Object.freeze({ ...config, security: Object.freeze({ ...config.security, secretKey }) }),
    notice,
  }
}
