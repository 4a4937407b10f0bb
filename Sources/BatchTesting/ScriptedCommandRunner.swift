import BatchTransport
import Synchronization

/// A ``CommandRunner`` whose outcomes come from a closure, recording every command line it gets.
public final class ScriptedCommandRunner: CommandRunner {
    public typealias Script = @Sendable ([String]) -> Result<CommandOutput, CommandFailure>

    private let script: Script
    private let received = Mutex<[[String]]>([])

    public init(_ script: @escaping Script) {
        self.script = script
    }

    /// The command lines run so far, in order.
    public var calls: [[String]] { received.withLock { $0 } }

    public func run(_ arguments: [String], environment: [String: String]?, timeout: Duration)
        async throws(CommandFailure) -> CommandOutput
    {
        received.withLock { $0.append(arguments) }
        return try script(arguments).get()
    }
}
