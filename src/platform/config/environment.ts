// The environment as the process sees it, with an optional .env file underneath (real variables win).
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseEnv } from 'node:util'
import type { Environment } from './loader.ts'

/** The environment, and where it came from: which .env file was read and which names it supplied. */
export interface SourcedEnvironment {
  env: Environment
  /** The .env file read (absolute), or undefined when there was none. */
  file: string | undefined
  /** Names whose value came from the file (a process variable of the same name wins over it). */
  fromFile: ReadonlySet<string>
}

/** Reads `.env` from the working directory (or ENV_FILE) when present; process variables take precedence. */
export function readSourcedEnvironment(processEnv: Environment, cwd: string): SourcedEnvironment {
  const path = resolve(cwd, processEnv.ENV_FILE ?? '.env')
  if (!existsSync(path)) return { env: processEnv, file: undefined, fromFile: new Set() }
  const fromFile = parseEnv(readFileSync(path, 'utf8'))
  const names = Object.keys(fromFile).filter((name) => processEnv[name] === undefined)
  return { env: { ...fromFile, ...processEnv }, file: path, fromFile: new Set(names) }
}

export function readEnvironment(processEnv: Environment, cwd: string): Environment {
  return readSourcedEnvironment(processEnv, cwd).env
}
