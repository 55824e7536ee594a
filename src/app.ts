// The composition root: platform plugins in request order, then each module's service and routes.
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify'
import type { Registry } from 'prom-client'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import cluster from 'node:cluster'
import { constants as zlib } from 'node:zlib'
import compress from '@fastify/compress'
import type { Config } from './platform/config/config.ts'
import { PLATFORM_ERRORS } from './platform/errors/catalog.ts'
import { createFrameworkErrorHandler, errorsPlugin } from './platform/errors/plugin.ts'
import { createClientErrorHandler } from './platform/http/client-errors.ts'
import { createCursorCodec } from './platform/http/cursor.ts'
import { createJsonBodyParser } from './platform/http/json-body.ts'
import { httpPlugin } from './platform/http/plugin.ts'
import {
  createAccessLineStep,
  createCorsStep,
  createDeadlineStep,
  createHeaderChecksStep,
  createResponseHeadersStep,
  markStart,
  refuseCompressedBody,
} from './platform/http/steps.ts'
import { indexRoute } from './platform/http/index-route.ts'
import { requestIdOf } from './platform/http/request-id.ts'
import { createHttpServer } from './platform/http/server-timeouts.ts'
import { createValidatorCompiler } from './platform/http/validation.ts'
import type { InvalidationBus } from './platform/cache/bus.ts'
import { createCacheRegistry } from './platform/cache/cache.ts'
import { createClusterInvalidationBus } from './platform/cache/cluster-invalidation-bus.ts'
import { createRedisInvalidationBus } from './platform/cache/redis-invalidation-bus.ts'
import { createRedisL2 } from './platform/cache/redis-l2.ts'
import { conditionalGetPlugin } from './platform/http/conditional-get.ts'
import { createCorsPolicy } from './platform/security/cors.ts'
import { createApiHeaders } from './platform/security/headers.ts'
import { createHttpMetricsStep } from './platform/metrics/http-metrics.ts'
import { createMetricsRegistry } from './platform/metrics/registry.ts'
import { createDegradationTracker, type DegradationTracker } from './platform/health/degraded.ts'
import { healthPlugin } from './platform/health/plugin.ts'
import { docsPlugin } from './platform/docs/plugin.ts'
import type { CloseRegistry } from './platform/lifecycle/close-registry.ts'
import type { Lifecycle } from './platform/lifecycle/state.ts'
import { createMemoryAttemptStore, type LockoutPolicy } from './platform/auth/attempts.ts'
import { createSharedAttempts } from './platform/auth/shared-attempts.ts'
import { createAuditLog } from './platform/auth/audit.ts'
import { AUTH_ERRORS } from './platform/auth/errors.ts'
import { authPlugin } from './platform/auth/plugin.ts'
import type { Database } from './platform/db/database.ts'
import { DATABASE_ERRORS, translateDatabaseError } from './platform/db/errors.ts'
import { databasePlugin } from './platform/db/plugin.ts'
import { rateLimitPlugin } from './platform/rate-limit/plugin.ts'
import { createFailureThrottle } from './platform/rate-limit/failures.ts'
import { createLoadShedding } from './platform/resilience/load-shedding.ts'
import { createRedisSlidingLog } from './platform/rate-limit/redis-store.ts'
import { createLocalStore, createSharedStore } from './platform/rate-limit/stores.ts'
import { isRedisOutage, type RedisClient } from './platform/redis/client.ts'
import { redisPlugin } from './platform/redis/plugin.ts'
import { createBreakerRegistry, type Breaker, type BreakerRegistry } from './platform/resilience/breakers.ts'
import { MIGRATIONS } from './db/migrations.ts'
import { createAccounts, type Accounts } from './modules/accounts/accounts.ts'
import { createAuditStore } from './modules/accounts/audit.ts'
import { ACCOUNT_ERRORS } from './modules/accounts/errors.ts'
import { API_KEY_PREFIX } from './modules/accounts/api-keys/key-format.ts'
import { apiKeysRoutes } from './modules/accounts/api-keys/routes.ts'
import { authRoutes } from './modules/accounts/routes.ts'
import { ACCOUNTS_SECURITY_SCHEMES } from './modules/accounts/security-schemes.ts'
import { COOKIES } from './modules/accounts/sessions/cookies.ts'
import { jwksRoutes } from './modules/accounts/tokens/routes.ts'
import { usersRoutes } from './modules/accounts/users/routes.ts'
import { MATH_ERRORS } from './modules/math/errors.ts'
import { PLAN_ERRORS } from './modules/plans/errors.ts'
import { cachePlanReads } from './modules/plans/cache.ts'
import { createPlansRepo } from './modules/plans/repo.ts'
import { plansRoutes } from './modules/plans/routes.ts'
import { createPlansService } from './modules/plans/service.ts'
import { mathRoutes } from './modules/math/routes.ts'
import { createMathSchemas } from './modules/math/schemas.ts'
import { createMathCache } from './modules/math/cache.ts'
import { createMathService } from './modules/math/service.ts'
import { SCOPE_POLICY, SCOPES } from './scopes.ts'

/** Every error code the service can answer with, for the OpenAPI document and docs/ERRORS.md. */
export const ERROR_CATALOGS = [
  PLATFORM_ERRORS,
  AUTH_ERRORS,
  DATABASE_ERRORS,
  ACCOUNT_ERRORS,
  MATH_ERRORS,
  PLAN_ERRORS,
] as const

declare module 'fastify' {
  interface FastifyInstance {
    /** The accounts services, for the server's first-start key and the CLI. */
    accounts: Accounts
    /** The registry the app records its metrics in (`AppDeps.metrics`), for the server to export. */
    metrics: Registry
  }
}

/** The routes that guess or create credentials: RATE_LIMIT_SENSITIVE applies to them too. */
const SENSITIVE_ROUTES = [
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/password',
  'POST /api/v1/auth/mfa/totp',
  'POST /api/v1/auth/mfa/totp/confirm',
  'POST /api/v1/auth/mfa/totp/disable',
  'POST /api/v1/api-keys',
] as const
/** The probes of load balancers and orchestrators: never rate limited nor shed, their 404s never counted. */
const PROBE_URLS = ['/health/live', '/health/ready']
/** The degraded gauge's name for rate limits decided locally because Redis failed. */
const RATE_LIMIT_DEPENDENCY = 'redis:rate_limits'
/** Lock-out counters decided locally (stricter thresholds) because Redis failed. */
const LOCKOUT_DEPENDENCY = 'redis:lockouts'
/** Cache invalidations not broadcast (other instances learn within each cache's TTL instead). */
const INVALIDATION_DEPENDENCY = 'redis:invalidations'
/** The caches' second level unreachable: they serve from this process and load the rest (fail open). */
const CACHE_DEPENDENCY = 'redis:cache'
/** How long a worker waits for the primary's rate-limit decision before deciding alone. */
const RATE_LIMIT_PRIMARY_TIMEOUT_MS = 250

export interface AppDeps {
  logger: FastifyBaseLogger
  lifecycle: Lifecycle
  /** Opened (and closed) by the caller: the server in production, the test helpers in tests. */
  database: Database
  /** Where the app registers what it opens; the caller closes it after the app (newest first). */
  resources: CloseRegistry
  version: string
  /**
   * Where the app records its metrics; the server owns it and exports it. Absent: the app makes its own,
   * with process metrics, so tests and other callers of buildApp need not.
   */
  metrics?: Registry
  /** The process's Redis (REDIS_URL), opened and closed by the caller; absent: every store is local. */
  redis?: RedisClient
  /**
   * Where dependencies report that they are degraded (the Redis client does, a store on its fallback
   * should); the caller's, so the Redis client opened before the app reports to it. Absent: a new one.
   */
  degradation?: DegradationTracker
  /**
   * The process's circuit breakers (the caller's, so the database opened before the app has its `postgres`
   * one); the app adds `redis`, registers their metrics and reports them in health. Absent: a new registry.
   */
  breakers?: BreakerRegistry
}

export async function buildApp(config: Readonly<Config>, deps: AppDeps) {
  const { server } = config
  const securityHeaders = createApiHeaders({ hsts: config.security.hsts })
  const app = Fastify({
    loggerInstance: deps.logger,
    // One access line per request (platform/logging) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    genReqId: requestIdOf,
    requestIdHeader: false,
    bodyLimit: server.bodyLimitBytes,
    keepAliveTimeout: server.keepAliveTimeoutMs,
    requestTimeout: server.requestTimeoutMs,
    trustProxy: server.trustProxy.length > 0 ? [...server.trustProxy] : false,
    // Requests that arrive on open connections during shutdown are served (with Connection: close).
    return503OnClosing: false,
    // Idle connections are closed by the shutdown sequence itself (platform/lifecycle/shutdown.ts).
    forceCloseConnections: false,
    serverFactory: (handler) => createHttpServer(server, handler),
    clientErrorHandler: createClientErrorHandler(deps.logger),
    frameworkErrors: createFrameworkErrorHandler(securityHeaders),
    // /api/v1/users/ is /api/v1/users; the 405 index (platform/errors) reads these same options.
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>()
  const metrics = deps.metrics ?? createMetricsRegistry({ processMetrics: true })
  app.decorate('metrics', metrics)
  const degradation = deps.degradation ?? createDegradationTracker({ log: deps.logger })
  degradation.registerMetrics(metrics)
  const breakers = deps.breakers ?? ownBreakers(config, deps, degradation)
  breakers.registerMetrics(metrics)

  app.setValidatorCompiler(createValidatorCompiler())
  // JSON only: without this parser, text/plain bodies get 415 like every other non-JSON type.
  app.removeContentTypeParser('text/plain')
  // JSON in UTF-8 only, decoded strictly; Fastify's parser (and its prototype-poisoning checks) inside.
  const parseJson = app.getDefaultJsonParser(
    app.initialConfig.onProtoPoisoning ?? 'error',
    app.initialConfig.onConstructorPoisoning ?? 'error',
  )
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, createJsonBodyParser(parseJson))

  const shedding = createLoadShedding(config.overload, {
    log: deps.logger,
    metrics,
    exemptUrls: PROBE_URLS,
    isStarting: () => deps.lifecycle.phase === 'starting',
  })
  deps.resources.add('load shedding', () => shedding.close())

  await app.register(errorsPlugin, {
    exposeInternalErrors: config.server.exposeInternalErrors,
    translators: [translateDatabaseError],
  })
  // Rate limits: this machine's store (the process's, or the primary's for a worker) and, with Redis, the
  // one every instance shares, falling back to this machine's.
  const localRateStore = createLocalStore({
    maxKeys: config.rateLimit.maxKeys,
    workers: config.workers.count,
    timeoutMs: RATE_LIMIT_PRIMARY_TIMEOUT_MS,
    onFallback: (active) => {
      if (active)
        deps.logger.warn(
          {},
          'rate limits: the primary did not answer in time; deciding in this worker with its share of each limit',
        )
      else deps.logger.info({}, 'rate limits: the primary answers again')
    },
  })
  deps.resources.add('rate limits', () => localRateStore.close())
  // One breaker for every Redis call of this process: rate limits and the caches' second level.
  const redisBreaker =
    deps.redis === undefined ? undefined : breakers.create('redis', { isFailure: isRedisOutage })
  const rateStore =
    deps.redis === undefined
      ? localRateStore
      : createSharedStore({
          // While the `redis` breaker is open, every decision is local at once, without waiting on Redis.
          shared: createRedisSlidingLog(deps.redis, redisBreaker, { maxKeys: config.rateLimit.maxKeys }),
          local: localRateStore,
          instances: config.db.expectedInstances,
          onFallback: (active, error) => {
            if (active) degradation.markDegraded(RATE_LIMIT_DEPENDENCY, `Redis failed: ${String(error)}`)
            else degradation.markRecovered(RATE_LIMIT_DEPENDENCY)
          },
        })
  const failures = createFailureThrottle({
    policy: config.rateLimit.failures,
    store: rateStore,
    maxKeys: config.rateLimit.maxKeys,
    exemptUrls: PROBE_URLS,
  })
  // The pipeline's steps, in the order they run; a step that answers ends the request there.
  await app.register(httpPlugin, {
    steps: {
      onRequest: [
        markStart,
        createResponseHeadersStep(securityHeaders, deps.lifecycle),
        createHeaderChecksStep(server.maxHeaderCount),
        refuseCompressedBody,
        createCorsStep(createCorsPolicy({ origins: config.security.corsOrigins, maxAgeS: 600 })),
        // Before anything that costs (authentication, body, rate limits, handler); after CORS, so that a
        // browser can read the 503 and its Retry-After.
        shedding.step,
        // A client blocked for repeated 401s and 404s, without credentials: refused before any work.
        failures.beforeGate,
        // Last: authentication (the gate's hook, next) and the handler run inside the deadline.
        createDeadlineStep(server.handlerTimeoutMs),
      ],
      onResponse: [createAccessLineStep(config.log), createHttpMetricsStep(metrics), failures.count],
    },
  })
  // Before compression, so that it tags the body the handler produced.
  await app.register(conditionalGetPlugin)
  await app.register(compress, {
    globalCompression: true,
    // Compressed request bodies would bypass the body limit (zip bombs): refused in platform/http.
    globalDecompression: false,
    threshold: server.compressionThresholdBytes,
    encodings: ['br', 'gzip', 'deflate'],
    // Quality 11 (the default) costs tens of ms per response; 4 compresses JSON nearly as well.
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  })
  // Authentication: deny-by-default for every route; the accounts module supplies the verifiers.
  const audit = createAuditLog(createAuditStore(deps.database.db), deps.logger, metrics)
  const { lockout } = config.auth
  const sharedAttempts =
    deps.redis === undefined
      ? undefined
      : createSharedAttempts({
          client: deps.redis,
          instances: config.db.expectedInstances,
          onFallback: (active, error) => {
            if (active) degradation.markDegraded(LOCKOUT_DEPENDENCY, `Redis failed: ${String(error)}`)
            else degradation.markRecovered(LOCKOUT_DEPENDENCY)
          },
        })
  const attemptStore = (name: string, threshold: number) => {
    const policy: LockoutPolicy = {
      threshold,
      windowMs: 15 * 60_000,
      baseLockMs: lockout.baseS * 1000,
      maxLockMs: lockout.maxS * 1000,
    }
    return sharedAttempts?.(name, policy) ?? createMemoryAttemptStore(policy)
  }
  const caches = createCaches(config, deps, degradation, metrics, redisBreaker)
  const accounts = await createAccounts(config, {
    database: deps.database.db,
    audit,
    logger: deps.logger,
    scopes: SCOPE_POLICY,
    attempts: {
      account: attemptStore('login_account', lockout.accountThreshold),
      ip: attemptStore('login_ip', lockout.ipThreshold),
    },
    caches,
  })
  app.decorate('accounts', accounts)
  // Flushes last_used_at: closed before the database, which was opened (and registered) before it.
  deps.resources.add('api keys', () => accounts.apiKeys.close())
  await app.register(authPlugin, {
    verifiers: {
      apiKey: (key) => accounts.apiKeys.verify(key),
      accessToken: (token) => accounts.accessTokens.verifyAccessToken(token),
      csrfToken: (sessionId) => accounts.accessTokens.csrfToken(sessionId),
    },
    apiKeyAttempts: attemptStore('api_key_ip', lockout.ipThreshold),
    audit,
    accessCookie: config.auth.cookies ? COOKIES.access : undefined,
    apiKeyPrefix: API_KEY_PREFIX,
    adminMfaRequired: config.auth.adminMfa === 'required',
    realm: 'bulwark',
  })
  // After the gate, which names the caller each limit counts.
  await app.register(rateLimitPlugin, {
    policies: config.rateLimit,
    store: rateStore,
    sensitiveRoutes: SENSITIVE_ROUTES,
    exemptUrls: PROBE_URLS,
    failures,
    metrics,
  })
  await app.register(docsPlugin, {
    enabled: config.docs.enabled,
    public: config.docs.public,
    title: 'Bulwark API',
    version: deps.version,
    description: 'A production-ready HTTP API: the Math API, the Plans tracker and the platform endpoints.',
    license: { name: 'MIT', identifier: 'MIT' },
    errorCatalogs: ERROR_CATALOGS,
    securitySchemes: ACCOUNTS_SECURITY_SCHEMES,
  })
  // After docs, whose route collector must see the probes to document them.
  await app.register(healthPlugin, {
    lifecycle: deps.lifecycle,
    cacheMs: 1000,
    timeoutMs: 2000,
    degradation,
    breakers,
    caches,
  })
  await app.register(databasePlugin, { database: deps.database, migrations: MIGRATIONS })
  if (deps.redis !== undefined) await app.register(redisPlugin, { client: deps.redis })

  if (config.env !== 'production') {
    await app.register(indexRoute, { name: 'Bulwark API', version: deps.version, docs: config.docs.enabled })
  }

  await app.register(authRoutes, {
    prefix: '/api/v1/auth',
    users: accounts.users,
    sessions: accounts.sessions,
    mfa: accounts.mfa,
    cookies: config.auth.cookies,
  })
  await app.register(usersRoutes, { prefix: '/api/v1/users', users: accounts.users })
  await app.register(apiKeysRoutes, { prefix: '/api/v1/api-keys', apiKeys: accounts.apiKeys, scopes: SCOPES })
  await app.register(jwksRoutes, { keyring: accounts.keyring })

  const math = createMathService(config.math, createMathCache(caches, config.cache))
  await app.register(mathRoutes, { prefix: '/api/v1/math', math, schemas: createMathSchemas(config.math) })

  const plans = createPlansService(
    cachePlanReads(createPlansRepo(deps.database.db), caches, config.cache),
    createCursorCodec(config.security.secretKey, 'plans'),
  )
  await app.register(plansRoutes, { prefix: '/api/v1/plans', plans })

  return app
}

/**
 * The caches and where their invalidations travel: Redis pub/sub to every instance when configured, else the
 * primary to the other workers of this machine, else this process. Redis is also the second level of the
 * caches that share their entries, through the `redis` breaker.
 */
function createCaches(
  config: Readonly<Config>,
  deps: AppDeps,
  degradation: DegradationTracker,
  metrics: Registry,
  redisBreaker: Breaker | undefined,
) {
  let bus: InvalidationBus | undefined
  if (deps.redis !== undefined) {
    const redisBus = createRedisInvalidationBus({
      client: deps.redis,
      log: deps.logger,
      onDegraded: (active, reason) => {
        if (active) degradation.markDegraded(INVALIDATION_DEPENDENCY, reason ?? 'Redis failed')
        else degradation.markRecovered(INVALIDATION_DEPENDENCY)
      },
    })
    deps.resources.add('cache invalidations', () => redisBus.close())
    bus = redisBus
  } else if (cluster.isWorker && config.workers.count > 1) {
    const clusterBus = createClusterInvalidationBus()
    deps.resources.add('cache invalidations', () => clusterBus.close())
    bus = clusterBus
  }
  const l2 =
    deps.redis === undefined || redisBreaker === undefined
      ? undefined
      : createRedisL2({
          client: deps.redis,
          breaker: redisBreaker,
          onDegraded: (active, reason) => {
            if (active) degradation.markDegraded(CACHE_DEPENDENCY, reason ?? 'Redis failed')
            else degradation.markRecovered(CACHE_DEPENDENCY)
          },
        })
  return createCacheRegistry({ bus, l2, metrics })
}

/** A registry for an app whose caller brought none; closed with what the app opened. */
function ownBreakers(config: Readonly<Config>, deps: AppDeps, degradation: DegradationTracker) {
  const breakers = createBreakerRegistry({ settings: config.breakers, log: deps.logger, degradation })
  deps.resources.add('circuit breakers', () => breakers.close())
  return breakers
}

export type App = Awaited<ReturnType<typeof buildApp>>
