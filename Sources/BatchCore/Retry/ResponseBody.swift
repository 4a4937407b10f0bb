/// Small, allocation-light readings of an answer's JSON body.
public enum ResponseBody {
    /// Whether `body` is exactly one valid JSON value.
    public static func isJSONValue(_ body: [UInt8]) -> Bool {
        body.withUnsafeBytes { (try? JSONScanner.validate($0)) != nil }
    }

    /// `error.code` of an OpenAI-style error body (`{"error": {"code": "...", ...}}`); `error.type`
    /// when there is no code.
    public static func errorCode(_ body: [UInt8]) -> String? {
        body.withUnsafeBytes { buffer -> String? in
            guard let members = try? JSONScanner.topLevelMembers(buffer),
                let error = members.first(where: { $0.key == "error" && $0.kind == .object }),
                let inner = try? JSONScanner.topLevelMembers(
                    UnsafeRawBufferPointer(rebasing: buffer[error.range]))
            else { return nil }
            let base = UnsafeRawBufferPointer(rebasing: buffer[error.range])
            for key in ["code", "type"] {
                if let member = inner.first(where: { $0.key == key && $0.kind == .string }),
                    let text = try? JSONScanner.decodeString(
                        UnsafeRawBufferPointer(rebasing: base[member.range]))
                {
                    return text
                }
            }
            return nil
        }
    }
}
