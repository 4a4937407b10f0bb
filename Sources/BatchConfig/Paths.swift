import Foundation

/// Where batchd keeps its files by default (XDG base directories).
public enum Paths {
    /// `--database`, else `$BATCHD_DATABASE`, else `$XDG_STATE_HOME/batchd/batchd.sqlite`
    /// (`~/.local/state/batchd/batchd.sqlite`).
    public static func database(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let variable = environment["BATCHD_DATABASE"], !variable.isEmpty { return variable }
        return stateHome(environment) + "/batchd/batchd.sqlite"
    }

    static func stateHome(_ environment: [String: String]) -> String {
        if let value = environment["XDG_STATE_HOME"], value.hasPrefix("/") { return value }
        return home(environment) + "/.local/state"
    }

    static func configHome(_ environment: [String: String]) -> String {
        if let value = environment["XDG_CONFIG_HOME"], value.hasPrefix("/") { return value }
        return home(environment) + "/.config"
    }

    private static func home(_ environment: [String: String]) -> String {
        environment["HOME"] ?? NSHomeDirectory()
    }

    /// The absolute, symlink-resolved form of `path`, so one file is one job whatever way it is named.
    public static func canonical(_ path: String) -> String {
        let absolute =
            path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
