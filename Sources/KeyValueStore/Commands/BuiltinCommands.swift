// Every built-in command, registered through the same public API an application uses.

extension CommandRegistry {
    public mutating func registerBuiltinCommands() {
        StringCommands.register(in: &self)
        KeyCommands.register(in: &self)
        ObjectCommand.register(in: &self)
        DumpRestoreCommands.register(in: &self)
        SortCommand.register(in: &self)
        ExpiryCommands.register(in: &self)
        HashCommands.register(in: &self)
        ListCommands.register(in: &self)
        ListEditCommands.register(in: &self)
        ListMoveCommands.register(in: &self)
        HashFieldCommands.register(in: &self)
        BitCommands.register(in: &self)
        BitfieldCommand.register(in: &self)
        HyperLogLogCommands.register(in: &self)
        SetCommands.register(in: &self)
        ZSetCommands.register(in: &self)
        CASCommand.register(in: &self)
        TreeCommands.register(in: &self)
        PubSubCommands.register(in: &self)
        BlockingCommands.register(in: &self)
        TransactionCommands.register(in: &self)
    }
}
