/// Redis's documentation of the built-in data commands, as COMMAND DOCS and COMMAND INFO give it:
/// the group, the version that introduced the command, the summary (redis.io's wording), where
/// its keys are (COMMAND INFO's first key, last key and step, and COMMAND GETKEYS) and whether
/// Redis counts it @fast. The key-value store registers commands by name, kind and arity only;
/// this is the part of Redis's command table that clients and tools read back. An application's
/// own commands have no row and are described generically.
struct RedisCommandDoc: Sendable {
    let group: String
    let since: String
    let keys: KeyPositions
    let fast: Bool
    let summary: String
}

/// Where a command's key names are among its arguments (`arguments[0]` is the name).
enum KeyPositions: Sendable, Equatable {
    /// No key arguments (COMMAND INFO: 0 0 0).
    case none
    /// Keys at first, first + step, ... up to last; a negative last counts from the end
    /// (-1 the last argument, -2 the one before: BLPOP's timeout follows its keys).
    case range(first: Int, last: Int, step: Int)
    /// `numkeys` at this position, the keys right after it (ZUNION, SINTERCARD, LMPOP...).
    /// COMMAND INFO shows 0 0 0 and the movablekeys flag, as Redis does.
    case numKeys(at: Int)
    /// A destination key at 1, then `numkeys` at this position and the keys after it
    /// (ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE). COMMAND INFO shows 1 1 1 and movablekeys.
    case destinationAndNumKeys(at: Int)

    /// COMMAND INFO's fourth to sixth fields.
    var infoTriple: (Int, Int, Int) {
        switch self {
        case .none, .numKeys: (0, 0, 0)
        case .range(let first, let last, let step): (first, last, step)
        case .destinationAndNumKeys: (1, 1, 1)
        }
    }

    var movable: Bool {
        switch self {
        case .numKeys, .destinationAndNumKeys: true
        case .none, .range: false
        }
    }

    /// The key arguments of a full argument vector, or nil when they cannot be told from it
    /// (a numkeys that is not a positive number, or more keys than arguments).
    func keys(in arguments: [[UInt8]]) -> [[UInt8]]? {
        switch self {
        case .none:
            return []
        case .range(let first, let last, let step):
            let end = last < 0 ? arguments.count + last : last
            guard first < arguments.count, end >= first, end < arguments.count else { return nil }
            return stride(from: first, through: end, by: step).map { arguments[$0] }
        case .numKeys(let at):
            return Self.counted(arguments, at: at)
        case .destinationAndNumKeys(let at):
            guard arguments.count > 1, let rest = Self.counted(arguments, at: at) else { return nil }
            return [arguments[1]] + rest
        }
    }

    private static func counted(_ arguments: [[UInt8]], at: Int) -> [[UInt8]]? {
        guard at < arguments.count, let n = Int(String(decoding: arguments[at], as: UTF8.self)), n > 0,
              at + n < arguments.count else { return nil }
        return Array(arguments[(at + 1)...(at + n)])
    }
}

extension RedisCommandDoc {
    /// Commands that block their connection until a value arrives or the timeout passes.
    static let blocking: Set<String> = ["blpop", "brpop", "brpoplpush", "blmove", "blmpop", "bzpopmin", "bzpopmax", "bzmpop"]

    /// One row per built-in data command (and WATCH, a node command with keys), by lower-case name.
    static let rows: [String: RedisCommandDoc] = [
        "append": .init(group: "string", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Appends a string to the value of a key. Creates the key if it doesn't exist."),
        "decr": .init(group: "string", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."),
        "decrby": .init(group: "string", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist."),
        "get": .init(group: "string", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the string value of a key."),
        "getdel": .init(group: "string", since: "6.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the string value of a key after deleting the key."),
        "getex": .init(group: "string", since: "6.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the string value of a key after setting its expiration time."),
        "getrange": .init(group: "string", since: "2.4.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns a substring of the string stored at a key."),
        "getset": .init(group: "string", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the previous string value of a key after setting it to a new value."),
        "incr": .init(group: "string", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."),
        "incrby": .init(group: "string", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist."),
        "incrbyfloat": .init(group: "string", since: "2.6.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist."),
        "lcs": .init(group: "string", since: "7.0.0", keys: .range(first: 1, last: 2, step: 1), fast: false, summary: "Finds the longest common substring."),
        "mget": .init(group: "string", since: "1.0.0", keys: .range(first: 1, last: -1, step: 1), fast: true, summary: "Atomically returns the string values of one or more keys."),
        "mset": .init(group: "string", since: "1.0.1", keys: .range(first: 1, last: -1, step: 2), fast: false, summary: "Atomically creates or modifies the string values of one or more keys."),
        "msetnx": .init(group: "string", since: "1.0.1", keys: .range(first: 1, last: -1, step: 2), fast: false, summary: "Atomically modifies the string values of one or more keys only when all keys don't exist."),
        "psetex": .init(group: "string", since: "2.6.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist."),
        "set": .init(group: "string", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist."),
        "setex": .init(group: "string", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Sets the string value and expiration time of a key. Creates the key if it doesn't exist."),
        "setnx": .init(group: "string", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Set the string value of a key only when the key doesn't exist."),
        "setrange": .init(group: "string", since: "2.2.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist."),
        "strlen": .init(group: "string", since: "2.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the length of a string value."),
        "substr": .init(group: "string", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns a substring from a string value."),
        "bitcount": .init(group: "bitmap", since: "2.6.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Counts the number of set bits (population counting) in a string."),
        "bitfield": .init(group: "bitmap", since: "3.2.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Performs arbitrary bitfield integer operations on strings."),
        "bitfield_ro": .init(group: "bitmap", since: "6.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Performs arbitrary read-only bitfield integer operations on strings."),
        "bitop": .init(group: "bitmap", since: "2.6.0", keys: .range(first: 2, last: -1, step: 1), fast: false, summary: "Performs bitwise operations on multiple strings, and stores the result."),
        "bitpos": .init(group: "bitmap", since: "2.8.7", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Finds the first set (1) or clear (0) bit in a string."),
        "getbit": .init(group: "bitmap", since: "2.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns a bit value by offset."),
        "setbit": .init(group: "bitmap", since: "2.2.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist."),
        "pfadd": .init(group: "hyperloglog", since: "2.8.9", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist."),
        "pfcount": .init(group: "hyperloglog", since: "2.8.9", keys: .range(first: 1, last: -1, step: 1), fast: false, summary: "Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s)."),
        "pfmerge": .init(group: "hyperloglog", since: "2.8.9", keys: .range(first: 1, last: -1, step: 1), fast: false, summary: "Merges one or more HyperLogLog values into a single key."),
        "blmove": .init(group: "list", since: "6.2.0", keys: .range(first: 1, last: 2, step: 1), fast: false, summary: "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved."),
        "blmpop": .init(group: "list", since: "7.0.0", keys: .numKeys(at: 2), fast: false, summary: "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped."),
        "blpop": .init(group: "list", since: "2.0.0", keys: .range(first: 1, last: -2, step: 1), fast: false, summary: "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."),
        "brpop": .init(group: "list", since: "2.0.0", keys: .range(first: 1, last: -2, step: 1), fast: false, summary: "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."),
        "brpoplpush": .init(group: "list", since: "2.2.0", keys: .range(first: 1, last: 2, step: 1), fast: false, summary: "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped."),
        "lindex": .init(group: "list", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns an element from a list by its index."),
        "linsert": .init(group: "list", since: "2.2.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Inserts an element before or after another element in a list."),
        "llen": .init(group: "list", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the length of a list."),
        "lmove": .init(group: "list", since: "6.2.0", keys: .range(first: 1, last: 2, step: 1), fast: false, summary: "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved."),
        "lmpop": .init(group: "list", since: "7.0.0", keys: .numKeys(at: 1), fast: false, summary: "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped."),
        "lpop": .init(group: "list", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the first elements in a list after removing it. Deletes the list if the last element was popped."),
        "lpos": .init(group: "list", since: "6.0.6", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns the index of matching elements in a list."),
        "lpush": .init(group: "list", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Prepends one or more elements to a list. Creates the key if it doesn't exist."),
        "lpushx": .init(group: "list", since: "2.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Prepends one or more elements to a list only when the list exists."),
        "lrange": .init(group: "list", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns a range of elements from a list."),
        "lrem": .init(group: "list", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Removes elements from a list. Deletes the list if the last element was removed."),
        "lset": .init(group: "list", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Sets the value of an element in a list by its index."),
        "ltrim": .init(group: "list", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Removes elements from both ends a list. Deletes the list if all elements were trimmed."),
        "rpop": .init(group: "list", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns and removes the last elements of a list. Deletes the list if the last element was popped."),
        "rpoplpush": .init(group: "list", since: "1.2.0", keys: .range(first: 1, last: 2, step: 1), fast: false, summary: "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped."),
        "rpush": .init(group: "list", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Appends one or more elements to a list. Creates the key if it doesn't exist."),
        "rpushx": .init(group: "list", since: "2.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Appends an element to a list only when the list exists."),
        "hdel": .init(group: "hash", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain."),
        "hexists": .init(group: "hash", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Determines whether a field exists in a hash."),
        "hget": .init(group: "hash", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the value of a field in a hash."),
        "hgetall": .init(group: "hash", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns all fields and values in a hash."),
        "hincrby": .init(group: "hash", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist."),
        "hincrbyfloat": .init(group: "hash", since: "2.6.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist."),
        "hkeys": .init(group: "hash", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns all fields in a hash."),
        "hlen": .init(group: "hash", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the number of fields in a hash."),
        "hmget": .init(group: "hash", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the values of all fields in a hash."),
        "hmset": .init(group: "hash", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Sets the values of multiple fields."),
        "hrandfield": .init(group: "hash", since: "6.2.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns one or more random fields from a hash."),
        "hscan": .init(group: "hash", since: "2.8.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Iterates over fields and values of a hash."),
        "hset": .init(group: "hash", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Creates or modifies the value of a field in a hash."),
        "hsetnx": .init(group: "hash", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Sets the value of a field in a hash only when the field doesn't exist."),
        "hstrlen": .init(group: "hash", since: "3.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the length of the value of a field."),
        "hvals": .init(group: "hash", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns all values in a hash."),
        "sadd": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Adds one or more members to a set. Creates the key if it doesn't exist."),
        "scard": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the number of members in a set."),
        "sdiff": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: -1, step: 1), fast: false, summary: "Returns the difference of multiple sets."),
        "sdiffstore": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: -1, step: 1), fast: false, summary: "Stores the difference of multiple sets in a key."),
        "sinter": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: -1, step: 1), fast: false, summary: "Returns the intersect of multiple sets."),
        "sintercard": .init(group: "set", since: "7.0.0", keys: .numKeys(at: 1), fast: false, summary: "Returns the number of members of the intersect of multiple sets."),
        "sinterstore": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: -1, step: 1), fast: false, summary: "Stores the intersect of multiple sets in a key."),
        "sismember": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Determines whether a member belongs to a set."),
        "smembers": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns all members of a set."),
        "smismember": .init(group: "set", since: "6.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Determines whether multiple members belong to a set."),
        "smove": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: 2, step: 1), fast: true, summary: "Moves a member from one set to another."),
        "spop": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped."),
        "srandmember": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Get one or multiple random members from a set"),
        "srem": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Removes one or more members from a set. Deletes the set if the last member was removed."),
        "sscan": .init(group: "set", since: "2.8.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Iterates over members of a set."),
        "sunion": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: -1, step: 1), fast: false, summary: "Returns the union of multiple sets."),
        "sunionstore": .init(group: "set", since: "1.0.0", keys: .range(first: 1, last: -1, step: 1), fast: false, summary: "Stores the union of multiple sets in a key."),
        "bzmpop": .init(group: "sorted-set", since: "7.0.0", keys: .numKeys(at: 2), fast: false, summary: "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped."),
        "bzpopmax": .init(group: "sorted-set", since: "5.0.0", keys: .range(first: 1, last: -2, step: 1), fast: true, summary: "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise. Deletes the sorted set if the last element was popped."),
        "bzpopmin": .init(group: "sorted-set", since: "5.0.0", keys: .range(first: 1, last: -2, step: 1), fast: true, summary: "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped."),
        "zadd": .init(group: "sorted-set", since: "1.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist."),
        "zcard": .init(group: "sorted-set", since: "1.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the number of members in a sorted set."),
        "zcount": .init(group: "sorted-set", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the count of members in a sorted set that have scores within a range."),
        "zdiff": .init(group: "sorted-set", since: "6.2.0", keys: .numKeys(at: 1), fast: false, summary: "Returns the difference between multiple sorted sets."),
        "zdiffstore": .init(group: "sorted-set", since: "6.2.0", keys: .destinationAndNumKeys(at: 2), fast: false, summary: "Stores the difference of multiple sorted sets in a key."),
        "zincrby": .init(group: "sorted-set", since: "1.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Increments the score of a member in a sorted set."),
        "zinter": .init(group: "sorted-set", since: "6.2.0", keys: .numKeys(at: 1), fast: false, summary: "Returns the intersect of multiple sorted sets."),
        "zintercard": .init(group: "sorted-set", since: "7.0.0", keys: .numKeys(at: 1), fast: false, summary: "Returns the number of members of the intersect of multiple sorted sets."),
        "zinterstore": .init(group: "sorted-set", since: "2.0.0", keys: .destinationAndNumKeys(at: 2), fast: false, summary: "Stores the intersect of multiple sorted sets in a key."),
        "zlexcount": .init(group: "sorted-set", since: "2.8.9", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the number of members in a sorted set within a lexicographical range."),
        "zmpop": .init(group: "sorted-set", since: "7.0.0", keys: .numKeys(at: 1), fast: false, summary: "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped."),
        "zmscore": .init(group: "sorted-set", since: "6.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the score of one or more members in a sorted set."),
        "zpopmax": .init(group: "sorted-set", since: "5.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."),
        "zpopmin": .init(group: "sorted-set", since: "5.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."),
        "zrandmember": .init(group: "sorted-set", since: "6.2.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns one or more random members from a sorted set."),
        "zrange": .init(group: "sorted-set", since: "1.2.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns members in a sorted set within a range of indexes."),
        "zrangebylex": .init(group: "sorted-set", since: "2.8.9", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns members in a sorted set within a lexicographical range."),
        "zrangebyscore": .init(group: "sorted-set", since: "1.0.5", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns members in a sorted set within a range of scores."),
        "zrangestore": .init(group: "sorted-set", since: "6.2.0", keys: .range(first: 1, last: 2, step: 1), fast: false, summary: "Stores a range of members from sorted set in a key."),
        "zrank": .init(group: "sorted-set", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the index of a member in a sorted set ordered by ascending scores."),
        "zrem": .init(group: "sorted-set", since: "1.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed."),
        "zremrangebylex": .init(group: "sorted-set", since: "2.8.9", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed."),
        "zremrangebyrank": .init(group: "sorted-set", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed."),
        "zremrangebyscore": .init(group: "sorted-set", since: "1.2.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed."),
        "zrevrange": .init(group: "sorted-set", since: "1.2.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns members in a sorted set within a range of indexes in reverse order."),
        "zrevrangebylex": .init(group: "sorted-set", since: "2.8.9", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns members in a sorted set within a lexicographical range in reverse order."),
        "zrevrangebyscore": .init(group: "sorted-set", since: "2.2.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns members in a sorted set within a range of scores in reverse order."),
        "zrevrank": .init(group: "sorted-set", since: "2.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the index of a member in a sorted set ordered by descending scores."),
        "zscan": .init(group: "sorted-set", since: "2.8.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Iterates over members and scores of a sorted set."),
        "zscore": .init(group: "sorted-set", since: "1.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the score of a member in a sorted set."),
        "zunion": .init(group: "sorted-set", since: "6.2.0", keys: .numKeys(at: 1), fast: false, summary: "Returns the union of multiple sorted sets."),
        "zunionstore": .init(group: "sorted-set", since: "2.0.0", keys: .destinationAndNumKeys(at: 2), fast: false, summary: "Stores the union of multiple sorted sets in a key."),
        "copy": .init(group: "generic", since: "6.2.0", keys: .range(first: 1, last: 2, step: 1), fast: false, summary: "Copies the value of a key to a new key."),
        "dbsize": .init(group: "server", since: "1.0.0", keys: .none, fast: true, summary: "Returns the number of keys in the database."),
        "del": .init(group: "generic", since: "1.0.0", keys: .range(first: 1, last: -1, step: 1), fast: false, summary: "Deletes one or more keys."),
        "dump": .init(group: "generic", since: "2.6.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns a serialized representation of the value stored at a key."),
        "exists": .init(group: "generic", since: "1.0.0", keys: .range(first: 1, last: -1, step: 1), fast: true, summary: "Determines whether one or more keys exist."),
        "expire": .init(group: "generic", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Sets the expiration time of a key in seconds."),
        "expireat": .init(group: "generic", since: "1.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Sets the expiration time of a key to a Unix timestamp."),
        "expiretime": .init(group: "generic", since: "7.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the expiration time of a key as a Unix timestamp."),
        "flushall": .init(group: "server", since: "1.0.0", keys: .none, fast: false, summary: "Removes all keys from all databases."),
        "flushdb": .init(group: "server", since: "1.0.0", keys: .none, fast: false, summary: "Remove all keys from the current database."),
        "keys": .init(group: "generic", since: "1.0.0", keys: .none, fast: false, summary: "Returns all key names that match a pattern."),
        "object": .init(group: "generic", since: "2.2.3", keys: .range(first: 2, last: 2, step: 1), fast: false, summary: "A container for object introspection commands."),
        "persist": .init(group: "generic", since: "2.2.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Removes the expiration time of a key."),
        "pexpire": .init(group: "generic", since: "2.6.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Sets the expiration time of a key in milliseconds."),
        "pexpireat": .init(group: "generic", since: "2.6.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Sets the expiration time of a key to a Unix milliseconds timestamp."),
        "pexpiretime": .init(group: "generic", since: "7.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the expiration time of a key as a Unix milliseconds timestamp."),
        "pttl": .init(group: "generic", since: "2.6.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the expiration time in milliseconds of a key."),
        "randomkey": .init(group: "generic", since: "1.0.0", keys: .none, fast: false, summary: "Returns a random key name from the database."),
        "rename": .init(group: "generic", since: "1.0.0", keys: .range(first: 1, last: 2, step: 1), fast: false, summary: "Renames a key and overwrites the destination."),
        "renamenx": .init(group: "generic", since: "1.0.0", keys: .range(first: 1, last: 2, step: 1), fast: true, summary: "Renames a key only when the target key name doesn't exist."),
        "restore": .init(group: "generic", since: "2.6.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Creates a key from the serialized representation of a value."),
        "scan": .init(group: "generic", since: "2.8.0", keys: .none, fast: false, summary: "Iterates over the key names in the database."),
        "sort": .init(group: "generic", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Sorts the elements in a list, a set, or a sorted set, optionally storing the result."),
        "sort_ro": .init(group: "generic", since: "7.0.0", keys: .range(first: 1, last: 1, step: 1), fast: false, summary: "Returns the sorted elements of a list, a set, or a sorted set."),
        "touch": .init(group: "generic", since: "3.2.1", keys: .range(first: 1, last: -1, step: 1), fast: true, summary: "Returns the number of existing keys out of those specified after updating the time they were last accessed."),
        "ttl": .init(group: "generic", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Returns the expiration time in seconds of a key."),
        "type": .init(group: "generic", since: "1.0.0", keys: .range(first: 1, last: 1, step: 1), fast: true, summary: "Determines the type of value stored at a key."),
        "unlink": .init(group: "generic", since: "4.0.0", keys: .range(first: 1, last: -1, step: 1), fast: true, summary: "Asynchronously deletes one or more keys."),
        "watch": .init(group: "transactions", since: "2.2.0", keys: .range(first: 1, last: -1, step: 1), fast: true, summary: "Monitors changes to keys to determine the execution of a transaction."),
    ]
}
