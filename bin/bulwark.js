#!/usr/bin/env node
// `npx bulwark …` runs the compiled CLI; build first with `npm run build`.
import '../dist/main.js'
