import BatchCore
import Testing

@Suite("Canonical JSON and the cache policy")
struct CanonicalJSONTests {
    private func canonical(_ text: String) -> String? {
        CanonicalJSON.canonical(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("keys sorted at every depth, insignificant white space dropped, strings and numbers kept")
    func canonicalForm() {
        #expect(
            canonical(#" { "b" : [ 1 , {"z":1, "a" : "x y"} ], "a": { "d": null, "c": true } } "#)
                == #"{"a":{"c":true,"d":null},"b":[1,{"a":"x y","z":1}]}"#)
        #expect(canonical(#"{"a":"q\"uote , }"}"#) == #"{"a":"q\"uote , }"}"#)
        #expect(canonical("[]") == "[]")
        #expect(canonical("{}") == "{}")
        #expect(canonical(#"{"a":1.50}"#) == #"{"a":1.50}"#)
    }

    @Test("two spellings of one body have one canonical form; different bodies do not")
    func sameAndDifferent() {
        let one = canonical(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0}"#)
        let two = canonical(
            """
            {"temperature": 0,
             "messages": [ {"content": "hi", "role": "user"} ], "model": "m"}
            """)
        #expect(one != nil)
        #expect(one == two)
        #expect(
            canonical(#"{"model":"m","messages":[{"role":"user","content":"hi!"}],"temperature":0}"#) != one)
    }

    @Test("not JSON gives nil")
    func invalid() {
        #expect(canonical(#"{"a":"#) == nil)
        #expect(canonical(#"{"a" 1}"#) == nil)
        #expect(canonical(#"[1,2"#) == nil)
        #expect(canonical("") == nil)
    }

    private func applies(_ mode: CacheMode, _ path: APIPath, _ body: String) -> Bool {
        Array(body.utf8).withUnsafeBytes { CachePolicy.applies(mode: mode, path: path, body: $0) }
    }

    @Test("auto: embeddings and moderations; chat only at temperature 0 or with a seed; never uploads")
    func policy() {
        #expect(applies(.auto, .embeddings, #"{"model":"e","input":"x"}"#))
        #expect(applies(.auto, .moderations, #"{"input":"x"}"#))
        #expect(applies(.auto, .chatCompletions, #"{"model":"m","temperature":0}"#))
        #expect(applies(.auto, .chatCompletions, #"{"model":"m","temperature":0.0}"#))
        #expect(applies(.auto, .responses, #"{"model":"m","seed":7,"temperature":1}"#))
        #expect(!applies(.auto, .chatCompletions, #"{"model":"m","temperature":0.7}"#))
        #expect(!applies(.auto, .completions, #"{"model":"m"}"#))
        #expect(!applies(.auto, .chatCompletions, #"{"model":"m","temperature":"0"}"#))
        #expect(applies(.always, .chatCompletions, #"{"model":"m"}"#))
        #expect(!applies(.off, .embeddings, #"{"model":"e","input":"x"}"#))
        #expect(!applies(.always, .imagesGenerations, #"{"model":"i","prompt":"p"}"#))
        #expect(!applies(.always, .audioSpeech, #"{"model":"t","input":"hi","voice":"v"}"#))
        #expect(!applies(.always, .imagesEdits, #"{"model":"i","image":"a.png","prompt":"p"}"#))
    }

    @Test("transcriptions and translations: auto unless temperature above 0; always even then")
    func uploadPolicy() {
        #expect(applies(.auto, .audioTranscriptions, #"{"model":"w","file":"a.mp3"}"#))
        #expect(applies(.auto, .audioTranslations, #"{"model":"w","file":"a.mp3","temperature":0}"#))
        #expect(applies(.auto, .audioTranscriptions, #"{"model":"w","file":"a.mp3","temperature":"0"}"#))
        #expect(!applies(.auto, .audioTranscriptions, #"{"model":"w","file":"a.mp3","temperature":0.2}"#))
        #expect(!applies(.auto, .audioTranslations, #"{"model":"w","file":"a.mp3","temperature":"0.4"}"#))
        #expect(applies(.always, .audioTranscriptions, #"{"model":"w","file":"a.mp3","temperature":0.2}"#))
        #expect(!applies(.off, .audioTranscriptions, #"{"model":"w","file":"a.mp3"}"#))
    }

    @Test("objects already in key order, nested ones out of it, duplicate keys: one pass, one form")
    func inPlaceOrdering() {
        #expect(
            canonical(#"{"a":1,"b":{"d":2,"c":[{"f":1,"e":2}]},"c":3}"#)
                == #"{"a":1,"b":{"c":[{"e":2,"f":1}],"d":2},"c":3}"#)
        #expect(canonical(#"{"ab":1,"a":2}"#) == #"{"a":2,"ab":1}"#)
        #expect(
            canonical(#"{"b":{"y":1,"x":2},"a":{"q":1,"p":2}}"#) == #"{"a":{"p":2,"q":1},"b":{"x":2,"y":1}}"#)
        #expect(canonical(#"{"a":1,"a":2}"#) == canonical(#"{ "a" : 1 , "a" : 2 }"#))
        #expect(canonical(#"{"z":{},"y":[],"x":""}"#) == #"{"x":"","y":[],"z":{}}"#)
    }
}
