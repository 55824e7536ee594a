// Removes build output before a compile so that deleted sources leave no stale files in dist/.
import { rmSync } from 'node:fs'

for (const path of process.argv.slice(2)) rmSync(path, { recursive: true, force: true })
