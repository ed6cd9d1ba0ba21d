// Linearizability checking of recorded histories.
