import ArgumentParser
import BatchEngine

TerminationSignals.unblock()
await Batchd.parseAndRun()
