// The key-value state machine and its command registry.
import RESP
