// Loaded into every test process (`node --import`, see package.json). Node 24 can spin at 100% CPU after a
// test file's last test, in the handle cleanup it runs on a natural exit (Environment::CleanupHandles
// waiting for a request count that never reaches zero; nodejs/node#47748). Seen twice in the process of
// test/e2e/database-faults.test.ts, with every test passed: `node --test` then waits for that process
// forever. Leaving through process.exit from the 'exit' event skips that cleanup; the test runner has
// reported everything by then (it finishes on 'beforeExit'), and V8 coverage is still written.
process.once('exit', (code) => process.exit(code))
