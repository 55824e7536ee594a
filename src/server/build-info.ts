// What the build recorded about itself: scripts/build.ts writes build-info.json next to the compiled main.js.
import { readFileSync } from 'node:fs'

export interface BuildInfo {
  /** The git commit the build was made from (`git rev-parse HEAD`, or GIT_COMMIT at build), else `unknown`. */
  commit: string
}

const UNKNOWN: BuildInfo = { commit: 'unknown' }

/**
 * Reads build-info.json beside the compiled main.js (this file is one folder below it). Running from
 * src/ (npm run dev) there is none, and a file that cannot be read or parsed also gives `unknown`:
 * the commit is reported, never needed to start.
 */
export function readBuildInfo(file: URL = new URL('../build-info.json', import.meta.url)): BuildInfo {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { commit?: unknown }
    return typeof parsed.commit === 'string' && parsed.commit !== '' ? { commit: parsed.commit } : UNKNOWN
  } catch {
    return UNKNOWN
  }
}
