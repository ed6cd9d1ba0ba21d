// RESP2/RESP3 parsing and encoding.
