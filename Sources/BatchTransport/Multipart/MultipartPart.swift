/// One part of a `multipart/form-data` body (RFC 7578): a text field, or a file streamed from disk.
public enum MultipartPart: Sendable, Equatable {
    /// A form field whose value is sent as UTF-8 text, without a content type.
    case field(name: String, value: String)
    /// A file read from `path` when the body is sent; `size` is its length in bytes, checked again
    /// when it is read (a file that changed size makes the send fail instead of sending a wrong
    /// length). `fileName` is the name the server sees.
    case file(name: String, fileName: String, contentType: String, path: String, size: Int64)
}
