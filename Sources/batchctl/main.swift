import ArgumentParser
import BatchEngine
import BatchTransport

TerminationSignals.unblock()
EventLoopExecutor.install()
await Batchctl.parseAndRun()
