import ArgumentParser
import BatchEngine

TerminationSignals.unblock()
await Batchctl.parseAndRun()
