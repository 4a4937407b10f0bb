import Foundation

/// Locates the executables built alongside the test bundle (`batchctl`, `batchd`, `batchd-sim`).
enum Binaries {
    /// The build folder: `$BATCHD_BIN_DIR`, else the folder of the running test executable.
    static var folder: String {
        if let explicit = ProcessInfo.processInfo.environment["BATCHD_BIN_DIR"] { return explicit }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On Linux the test runner may live inside `<name>.xctest`; walk up to the build folder.
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("batchctl").path),
            url.path != "/"
        {
            url.deleteLastPathComponent()
        }
        return url.path
    }

    static var batchctl: String { folder + "/batchctl" }
    static var batchd: String { folder + "/batchd" }
}
