// The management listener as this server runs it: ADMIN_HOST, ADMIN_PORT and ADMIN_TOKEN from the
// configuration, the build's commit, and DATA_DIR's file system for the disk figures.
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../platform/config/config.ts'
import { startAdminListener, type AdminListener, type AdminSource } from './admin.ts'
import { readBuildInfo } from './build-info.ts'

export interface AdminServerOptions {
  log: FastifyBaseLogger
  version: string
  source: AdminSource
}

export function startAdmin(config: Readonly<Config>, options: AdminServerOptions): Promise<AdminListener> {
  const { dataDir } = config.db
  return startAdminListener({
    host: config.admin.host,
    port: config.admin.port,
    token: config.admin.token,
    source: options.source,
    log: options.log,
    about: {
      name: 'bulwark',
      version: options.version,
      commit: readBuildInfo().commit,
      environment: config.env,
    },
    // Only an embedded database on disk has a directory whose file system matters.
    dataDir: config.db.url === undefined && !dataDir.startsWith('memory://') ? dataDir : undefined,
  })
}
