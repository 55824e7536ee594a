// The environment as the process sees it, with an optional .env file underneath (real variables win).
import { existsSync, readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import type { Environment } from './loader.ts'

/** Reads `.env` from the working directory (or ENV_FILE) when present; process variables take precedence. */
export function readEnvironment(processEnv: Environment, cwd: string): Environment {
  const path = processEnv.ENV_FILE ?? `${cwd}/.env`
  if (!existsSync(path)) return processEnv
  const fromFile = parseEnv(readFileSync(path, 'utf8'))
  return { ...fromFile, ...processEnv }
}
