// RESP2/RESP3 parsing and encoding, with no I/O and no NIO.
//
// - `RESPRequestParser` / `RESPRequestDecoder`: client requests (arrays of bulk strings and
//   inline commands), incremental, with Redis's limits and error texts.
// - `RESPEncoder`: replies as RESP2 or RESP3 bytes (RESP3 values downgraded for RESP2).
// - `RESPReplyParser` / `RESPReplyDecoder`: the full RESP3 reply grammar, for clients.
