// The process logger: JSON lines in production, coloured single lines in development; secrets redacted.
import { once } from 'node:events'
import pino, { type Logger } from 'pino'
import type { LogConfig } from '../config/config.ts'
import { drainOf, openRotatingFile, type RotatingFile } from './rotating-file.ts'

/** Field names whose values are never written, at any depth we log (headers, bodies, errors). */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'new_password',
  'current_password',
  'token',
  'access_token',
  'refresh_token',
  'secret',
  'secret_key',
  'api_key',
  'SECRET_KEY',
]

/** Where request data can appear in a log line: headers and bodies, alone or inside req/request/res. */
const CONTAINERS = [
  'headers',
  'body',
  'req.headers',
  'req.body',
  'request.headers',
  'request.body',
  'res.headers',
]

/**
 * Concrete paths only: pino's redaction with wildcards (`*.password`) costs ~16 µs per line per level
 * measured here, and ~75 µs with three levels; concrete paths cost nothing measurable. So secrets are
 * redacted at the top level and inside the containers above, which is where this code logs them.
 */
export const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => {
  const isIdentifier = /^[A-Za-z_][A-Za-z0-9_]*$/.test(field)
  const key = isIdentifier ? `.${field}` : `["${field}"]`
  return [...(isIdentifier ? [field] : []), ...CONTAINERS.map((container) => `${container}${key}`)]
})

/**
 * Fastify's listen writes its own "Server listening at" line per address; the server writes one line
 * with the address, port and environment instead, and passes this text as Fastify's so it is dropped.
 */
/** Longest wait for the pretty transport to write out its last lines at exit. */
const FLUSH_TIMEOUT_MS = 2000

export const FASTIFY_LISTEN_TEXT = 'fastify listening (logged by serve)'

export interface ProcessLogger {
  logger: Logger
  /** Writes out everything buffered; call before the process exits. */
  flush: () => Promise<void>
  /**
   * Writes whole lines other processes logged (a primary's workers) where this logger writes: stdout
   * and/or the log file. false: a destination is behind; wait for `whenWritable` before writing more.
   */
  writeLines: (lines: string) => boolean
  /** Resolves once every destination has written out its backlog. */
  whenWritable: () => Promise<void>
  /** Opens the log file again (SIGUSR2, after logrotate moved it); nothing without a log file. */
  reopenFile: () => void
}

/**
 * Creates the logger; `destination` defaults to stdout (tests pass a stream to read the lines), and
 * `fields` are added to every line (a worker's slot, so the workers of one server can be told apart).
 * With LOG_FILE, the process that `writesFile` (one per machine: the primary, or the single process) also
 * appends to it; a primary's workers write stdout only, which is a pipe to the primary (worker-output.ts).
 */
export function createLogger(
  config: LogConfig,
  destination?: NodeJS.WritableStream,
  fields: Readonly<Record<string, unknown>> = {},
  writesFile = true,
): ProcessLogger {
  const options: pino.LoggerOptions = {
    level: config.level,
    base: { pid: process.pid, ...fields },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'message',
    errorKey: 'error',
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      logMethod(args, method) {
        if (args[0] !== FASTIFY_LISTEN_TEXT) method.apply(this, args)
      },
    },
  }
  if (destination !== undefined) {
    const logger = pino(options, destination)
    return {
      logger,
      flush: async () => undefined,
      writeLines: (lines) => destination.write(lines),
      whenWritable: () => once(destination, 'drain').then(() => undefined),
      reopenFile,
    }
  }
  if (config.format === 'pretty') {
    const transport = pino.transport({
      target: 'pino-pretty',
      options: {
        // Colour codes only where a terminal shows them, not in a file or a pipe.
        colorize: process.stdout.isTTY,
        singleLine: true,
        messageKey: 'message',
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
      },
    })
    const logger = pino(options, transport)
    return {
      logger,
      writeLines: (lines) => process.stdout.write(lines),
      whenWritable: () => once(process.stdout, 'drain').then(() => undefined),
      reopenFile,
      // The transport's worker thread does not keep the process alive: without the timer an early exit (a
      // refusal before anything listens) drained the event loop before 'close' and Node exited 13. It also
      // bounds the wait.
      flush: () =>
        new Promise((resolve) => {
          const bound = setTimeout(resolve, FLUSH_TIMEOUT_MS)
          transport.once('close', () => {
            clearTimeout(bound)
            resolve()
          })
          transport.end()
        }),
    }
  }
  // Asynchronous stdout keeps the write off the request's critical path (lines written while a write is
  // pending are batched into the next one); flushed synchronously at exit so no line is lost.
  const file = writesFile && config.file !== undefined ? openRotatingFile(config.file) : undefined
  const stdout =
    file !== undefined && config.file?.only === true ? undefined : pino.destination({ dest: 1, sync: false })
  const stream = teeOf(stdout, file)
  const logger = pino(options, stream)
  return {
    logger,
    writeLines: (lines) => stream.write(lines),
    whenWritable: async () => {
      await Promise.all([stdout === undefined ? undefined : drainOf(stdout), file?.whenDrained()])
    },
    reopenFile: () => file?.reopen(),
    flush: async () => {
      stdout?.flushSync()
      file?.flushSync()
    },
  }
}

const reopenFile = () => undefined

/** Where the lines go: stdout, the file, or both (a plain object: pino only calls write). */
function teeOf(
  stdout: ReturnType<typeof pino.destination> | undefined,
  file: RotatingFile | undefined,
): { write(chunk: string): boolean } {
  if (file === undefined) {
    if (stdout === undefined) throw new Error('a log needs stdout or a file')
    return stdout
  }
  if (stdout === undefined) return file
  return {
    write(chunk: string) {
      // Both written, whatever the first answers; false when either is behind.
      const toStdout = stdout.write(chunk)
      return file.write(chunk) && toStdout
    },
  }
}
