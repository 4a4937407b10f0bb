import BatchSimulator

extension SimulatorStats {
    /// Input lines that reached the simulator, counting each line of a packed embeddings request:
    /// requests other than embeddings answered 200 count one line each, those answered 200 their
    /// inputs. (A packed request that was not answered 200 counts one.)
    var linesReceived: Int { received - embeddingRequests + embeddingInputs }
}
