import BatchCore

/// The answer cache's identity of an upload (audio transcriptions and translations): its form,
/// with each file named by a hash of its content instead of its path, so the same audio under
/// another name or in another folder is the same request.
///
/// What is hashed after the target (``AnswerKey/prefix(target:)``): a tag, then the text fields in
/// name order (an array's elements keep their order), then each file field's name and the XXH64
/// of the file's bytes (``FileFingerprint/compute(path:)``). The file's name is not part of it:
/// the content says what it is.
enum UploadKey {
    /// The key of the upload `body` for `path` sent to the target hashed in `prefix`, or nil when
    /// its form is invalid or a file cannot be checked or read (the sender then reports it).
    static func of(prefix: FingerprintHasher, body: [UInt8], path: APIPath, form builder: UploadForm)
        -> Int64?
    {
        guard let (form, files) = try? builder.check(body: body, path: path) else { return nil }
        var text: [UInt8] = Array("upload\n".utf8)
        let fields = form.fields.enumerated().sorted { lhs, rhs in
            lhs.element.name == rhs.element.name
                ? lhs.offset < rhs.offset : lhs.element.name < rhs.element.name
        }
        for (_, field) in fields {
            text.append(contentsOf: field.name.utf8)
            text.append(0)
            text.append(contentsOf: field.value.utf8)
            text.append(0x0A)
        }
        for (named, file) in zip(form.files, files) {
            guard let content = try? FileFingerprint.compute(path: file.path) else { return nil }
            text.append(contentsOf: "file \(named.name) \(content.size) \(content.hash)\n".utf8)
        }
        var hasher = prefix
        text.withUnsafeBytes { hasher.update($0) }
        return Int64(bitPattern: hasher.finalize())
    }
}
