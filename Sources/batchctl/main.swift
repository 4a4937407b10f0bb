import BatchCommandLine

TerminationSignals.unblock()
await Batchctl.parseAndRun()
