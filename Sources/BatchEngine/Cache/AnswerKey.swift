import BatchCore
import BatchTransport

/// A request's identity in the answer cache: the XXH64 digest (``FingerprintHasher``) of where it
/// goes and what it asks, as a signed 64-bit value (the table's integer key).
///
/// What is hashed: a version tag; the URL the request is sent to without its query (the base URL,
/// the route, which is the api-version family: OpenAI, Azure per deployment, Azure `v1`; the
/// deployment on Azure; the operation's path); and the body in canonical form
/// (``CanonicalJSON``: sorted keys, no insignificant white space; the model is in it). Azure's
/// dated api-versions of one route share answers: the deployment, not the version, makes them.
/// No secret is hashed: keys and tokens travel in headers.
///
/// 64 bits: two different requests collide with a chance of about n²/2⁶⁵ (one in 36 million for a
/// million cached requests), and a row stays small.
public enum AnswerKey {
    /// The target part of the key: the URL without its query, or nil when it cannot be built.
    public static func target(endpoint: Endpoint, path: APIPath, model: String) -> String? {
        guard let url = try? endpoint.url(for: path, model: model) else { return nil }
        return url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    }

    /// The key of a request to `target` with `body` (raw JSON), or nil when the body is not JSON.
    public static func of(target: String, body: UnsafeRawBufferPointer) -> Int64? {
        of(prefix: prefix(target: target), body: body)
    }

    /// The hasher after the version tag and `target`: the same for every line of one target, so a
    /// page of lines hashes it once (``of(prefix:body:)``).
    public static func prefix(target: String) -> FingerprintHasher {
        var hasher = FingerprintHasher()
        var head = Array("batchd-answer-1\n".utf8)
        head.append(contentsOf: target.utf8)
        head.append(0x0A)
        head.withUnsafeBytes { hasher.update($0) }
        return hasher
    }

    /// The key of a request whose target is hashed in `prefix` (``prefix(target:)``), with `body`.
    public static func of(prefix: FingerprintHasher, body: UnsafeRawBufferPointer) -> Int64? {
        guard let canonical = CanonicalJSON.canonical(body) else { return nil }
        var hasher = prefix
        canonical.withUnsafeBytes { hasher.update($0) }
        return Int64(bitPattern: hasher.finalize())
    }
}
