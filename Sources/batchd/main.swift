import BatchCommandLine

TerminationSignals.unblock()
await Batchd.parseAndRun()
