import BatchConfig
import BatchCore
import Foundation

/// Why `rm` and `clean` keep a job whose input sits in a drop folder: the daemon knows a file was
/// taken only by its job, so once the job is forgotten it would take the file again, and send it
/// again. Only the config file's `watch` folders are known here (not a daemon's `--watch` flags).
enum DropFolderGuard {
    /// The config's watch folder that holds `job`'s input (still there), if any.
    static func folder(holding job: JobRecord, settings: Settings) -> String? {
        guard FileManager.default.fileExists(atPath: job.inputPath) else { return nil }
        let parent = (job.inputPath as NSString).deletingLastPathComponent
        return (settings.file.watch?.folders ?? []).map { Paths.canonical($0.path) }.first { $0 == parent }
    }

    static func message(_ job: JobRecord, folder: String) -> String {
        "job \(job.id): its input is still in the drop folder \(folder): forgotten, it would be taken and sent"
            + " again. Move the file out first, or use --force"
    }
}
