extension ResponseBody {
    /// `error.message` of an OpenAI- or Azure-style error body (`{"error": {"message": "..."}}`).
    public static func errorMessage(_ body: [UInt8]) -> String? {
        body.withUnsafeBytes { buffer -> String? in
            guard let members = try? JSONScanner.topLevelMembers(buffer),
                let error = members.first(where: { $0.key == "error" && $0.kind == .object })
            else { return nil }
            let base = UnsafeRawBufferPointer(rebasing: buffer[error.range])
            guard let inner = try? JSONScanner.topLevelMembers(base),
                let member = inner.first(where: { $0.key == "message" && $0.kind == .string })
            else { return nil }
            return try? JSONScanner.decodeString(UnsafeRawBufferPointer(rebasing: base[member.range]))
        }
    }
}
