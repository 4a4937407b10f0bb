import BatchCore
import BatchTransport

/// Builds the multipart body of a file-carrying request, checking every file against the
/// ``UploadPolicy`` first (at ingest, to reject the line; again at send time, as the file may
/// have changed since).
public struct UploadForm: Sendable {
    /// The rules files must follow.
    public let policy: UploadPolicy
    /// The folder of the job's input file: relative paths start there.
    public let inputDirectory: String

    /// A builder for the job whose input file is at `inputPath`.
    public init(policy: UploadPolicy, inputPath: String) {
        self.policy = policy
        let slash = inputPath.lastIndex(of: "/")
        inputDirectory = slash.map { $0 == inputPath.startIndex ? "/" : String(inputPath[..<$0]) } ?? "."
    }

    /// The form of `body` for `path`, every file checked; a refusal names the file.
    public func check(body: [UInt8], path: APIPath) throws(LineRejection) -> (FormRequest, [UploadFile]) {
        let form = try FormRequest(body: body, path: path)
        var files: [UploadFile] = []
        for file in form.files {
            do {
                files.append(try policy.check(file.path, inputDirectory: inputDirectory))
            } catch {
                throw LineRejection(code: LineRejection.invalidFile, reason: "body.\(file.name): \(error)")
            }
        }
        return (form, files)
    }

    /// The multipart body of `body` for `path`.
    public func build(body: [UInt8], path: APIPath) throws(LineRejection) -> (MultipartBody, ExpectedAnswer) {
        let (form, files) = try check(body: body, path: path)
        var parts: [MultipartPart] = form.fields.map { .field(name: $0.name, value: $0.value) }
        parts += zip(form.files, files).map { named, file in
            .file(
                name: named.name, fileName: file.fileName, contentType: MediaType.forFileName(file.fileName),
                path: file.path, size: file.size)
        }
        return (MultipartBody(parts: parts), form.expectedAnswer(for: path))
    }
}
