import ArgumentParser
import Logging

/// `--log-level trace|debug|info|notice|warning|error|critical`, for every executable.
extension Logger.Level: @retroactive ExpressibleByArgument {}
