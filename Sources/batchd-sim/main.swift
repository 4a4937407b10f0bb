import BatchCommandLine

TerminationSignals.unblock()
await BatchdSim.parseAndRun()
