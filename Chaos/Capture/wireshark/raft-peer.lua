-- Wireshark dissector for raft-node's peer protocol (port P+1), docs/peer-protocol.md.
-- Install: copy to ~/.local/lib/wireshark/plugins/ (or run tshark -X lua_script:raft-peer.lua).
-- Frames are found on any TCP port by their header ("RF", version 1); several frames in one
-- segment and frames across segments are both handled (TCP reassembly must be on, the default).
-- Filter with `raftpeer`, e.g. `raftpeer.msg == 3 && raftpeer.term == 2`.

local p = Proto("raftpeer", "Raft peer protocol (raft-node)")

local frame_types = { [1] = "Handshake", [2] = "Message", [3] = "SnapshotChunk", [4] = "ForwardRequest",
    [5] = "ForwardResponse", [6] = "ForwardRequestBatch", [7] = "ForwardResponseBatch" }
local msg_types = { [1] = "RequestVote", [2] = "RequestVoteResponse", [3] = "AppendEntries",
    [4] = "AppendEntriesResponse", [5] = "InstallSnapshot", [6] = "InstallSnapshotResponse",
    [7] = "TimeoutNow", [8] = "ReadIndex", [9] = "ReadIndexResponse" }
local entry_kinds = { [0] = "normal", [1] = "noop", [2] = "configuration" }

local f = {
    magic = ProtoField.uint16("raftpeer.magic", "Magic", base.HEX),
    version = ProtoField.uint8("raftpeer.version", "Version"),
    type = ProtoField.uint8("raftpeer.type", "Frame type", base.DEC, frame_types),
    length = ProtoField.uint32("raftpeer.length", "Body length"),
    crc = ProtoField.uint32("raftpeer.crc", "CRC-32C", base.HEX),
    sender = ProtoField.string("raftpeer.sender", "Sender"),
    cluster = ProtoField.string("raftpeer.cluster", "Cluster id"),
    from = ProtoField.string("raftpeer.from", "From"),
    to = ProtoField.string("raftpeer.to", "To"),
    term = ProtoField.uint64("raftpeer.term", "Term"),
    msg = ProtoField.uint8("raftpeer.msg", "Message", base.DEC, msg_types),
    index = ProtoField.uint64("raftpeer.index", "Index"),
    logterm = ProtoField.uint64("raftpeer.logterm", "Log term"),
    commit = ProtoField.uint64("raftpeer.commit", "Leader commit"),
    flag = ProtoField.bool("raftpeer.flag", "Flag"),
    entries = ProtoField.uint32("raftpeer.entries", "Entries"),
    kind = ProtoField.uint8("raftpeer.entry.kind", "Entry kind", base.DEC, entry_kinds),
    data = ProtoField.bytes("raftpeer.entry.data", "Entry data"),
    u64 = ProtoField.uint64("raftpeer.value", "Value"),
    blob = ProtoField.bytes("raftpeer.bytes", "Bytes"),
}
p.fields = f

local HEADER = 8

-- A cursor over one frame body; every read is bounds-checked (a short body adds an expert note).
local function reader(tvb, tree, offset, limit)
    local r = { at = offset, ok = true }
    function r.need(n)
        if not r.ok or r.at + n > limit then r.ok = false; return false end
        return true
    end
    function r.u8(field, label)
        if not r.need(1) then return 0 end
        local v = tvb(r.at, 1):uint(); tree:add(field, tvb(r.at, 1)):prepend_text(label and (label .. ": ") or ""); r.at = r.at + 1; return v
    end
    function r.u64(field, label)
        if not r.need(8) then return UInt64(0) end
        local v = tvb(r.at, 8):uint64(); local item = tree:add(field, tvb(r.at, 8))
        if label then item:set_text(label .. ": " .. tostring(v)) end
        r.at = r.at + 8; return v
    end
    function r.string(field)
        if not r.need(4) then return "" end
        local n = tvb(r.at, 4):uint()
        if not r.need(4 + n) then return "" end
        local s = tvb(r.at + 4, n):string(ENC_UTF_8); tree:add(field, tvb(r.at, 4 + n), s); r.at = r.at + 4 + n; return s
    end
    function r.blob(field, t)
        if not r.need(4) then return 0 end
        local n = tvb(r.at, 4):uint()
        if not r.need(4 + n) then return 0 end
        if n > 0 then (t or tree):add(field, tvb(r.at + 4, n)) end
        r.at = r.at + 4 + n; return n
    end
    function r.bool(label)
        if not r.need(1) then return false end
        local v = tvb(r.at, 1):uint() == 1; tree:add(f.flag, tvb(r.at, 1), v):set_text(label .. ": " .. tostring(v)); r.at = r.at + 1; return v
    end
    return r
end

local function message(tvb, tree, r, pinfo)
    local from = r.string(f.from)
    local to = r.string(f.to)
    local term = r.u64(f.term)
    local tag = r.u8(f.msg)
    local name = msg_types[tag] or ("tag " .. tag)
    local extra = ""
    if tag == 1 then
        local idx = r.u64(f.index, "Last log index"); local lt = r.u64(f.logterm, "Last log term")
        if r.bool("PreVote") then name = "PreVote" end
        r.bool("Leadership transfer")
        extra = " last " .. tostring(idx) .. "/" .. tostring(lt)
    elseif tag == 2 then
        local granted = r.bool("Granted")
        if r.bool("PreVote") then name = "PreVoteResponse" end
        extra = granted and " granted" or " refused"
    elseif tag == 3 then
        local pi = r.u64(f.index, "Prev log index"); local pt = r.u64(f.logterm, "Prev log term")
        local c = r.u64(f.commit); r.u64(f.u64, "Read context")
        local n = 0
        if r.need(4) then n = tvb(r.at, 4):uint(); tree:add(f.entries, tvb(r.at, 4)); r.at = r.at + 4 end
        for i = 1, n do
            if not r.need(21) then break end
            local start = r.at
            local et = tree:add(p, tvb(r.at, 21), "Entry")
            local eterm = tvb(r.at, 8):uint64(); local eidx = tvb(r.at + 8, 8):uint64(); local kind = tvb(r.at + 16, 1):uint()
            et:add(f.logterm, tvb(r.at, 8)); et:add(f.index, tvb(r.at + 8, 8)); et:add(f.kind, tvb(r.at + 16, 1))
            r.at = r.at + 17
            r.blob(f.data, et)
            et:set_len(r.at - start)
            et:set_text("Entry " .. tostring(eidx) .. "/" .. tostring(eterm) .. " " .. (entry_kinds[kind] or "?"))
        end
        extra = " prev " .. tostring(pi) .. "/" .. tostring(pt) .. " commit " .. tostring(c) .. " entries " .. n
    elseif tag == 4 then
        local ok = r.bool("Success"); local idx = r.u64(f.index)
        r.u64(f.index, "Conflict index"); r.u64(f.logterm, "Conflict term"); r.u64(f.u64, "Read context")
        extra = (ok and " ok " or " rejected ") .. tostring(idx)
    elseif tag == 5 then
        local idx = r.u64(f.index, "Snapshot index"); local st = r.u64(f.logterm, "Snapshot term")
        extra = " snapshot " .. tostring(idx) .. "/" .. tostring(st)
        r.at = r.at  -- the configuration that follows is shown as bytes
    elseif tag == 6 then
        local idx = r.u64(f.index); local ok = r.bool("Success")
        extra = " " .. tostring(idx) .. (ok and " ok" or " failed")
    elseif tag == 8 then
        r.u64(f.u64, "Request id")
    elseif tag == 9 then
        r.u64(f.u64, "Request id"); r.u64(f.index); r.bool("OK")
    end
    local text = name .. " " .. from .. "->" .. to .. " term " .. tostring(term) .. extra
    tree:append_text(": " .. text)
    return text
end

local function dissect_frame(tvb, pinfo, root)
    local length = tvb(4, 4):uint()
    local total = HEADER + length + 4
    local tree = root:add(p, tvb(0, total))
    tree:add(f.magic, tvb(0, 2)); tree:add(f.version, tvb(2, 1)); tree:add(f.type, tvb(3, 1)); tree:add(f.length, tvb(4, 4))
    tree:add(f.crc, tvb(HEADER + length, 4))
    local kind = tvb(3, 1):uint()
    local r = reader(tvb, tree, HEADER, HEADER + length)
    local text = frame_types[kind] or ("type " .. kind)
    if kind == 1 then
        local s = r.string(f.sender); r.string(f.cluster)
        text = "Handshake from " .. s
        tree:append_text(": " .. text)
    elseif kind == 2 then
        text = message(tvb, tree, r, pinfo)
    elseif kind == 3 then
        local idx = r.u64(f.index, "Snapshot index"); r.u64(f.logterm, "Snapshot term"); local off = r.u64(f.u64, "Offset")
        text = "SnapshotChunk " .. tostring(idx) .. " @" .. tostring(off)
        tree:append_text(": " .. text)
    end
    local info = tostring(pinfo.cols.info)
    if pinfo.private["raftpeer"] == nil then pinfo.cols.info:set(text); pinfo.private["raftpeer"] = "1"
    else pinfo.cols.info:append(" | " .. text) end
    pinfo.cols.protocol:set("RAFTPEER")
    return total
end

local function frame_length(tvb, pinfo, offset)
    return HEADER + tvb(offset + 4, 4):uint() + 4
end

local function looks_like_frame(tvb, offset)
    if tvb:len() - offset < 4 then return false end
    return tvb(offset, 2):uint() == 0x5246 and tvb(offset + 2, 1):uint() == 1
        and tvb(offset + 3, 1):uint() >= 1 and tvb(offset + 3, 1):uint() <= 7
end

function p.dissector(tvb, pinfo, tree)
    if not looks_like_frame(tvb, 0) then return 0 end
    dissect_tcp_pdus(tvb, tree, HEADER, frame_length, dissect_frame)
    return tvb:len()
end

-- Found by content on any TCP port; the conversation then sticks to this dissector.
local function heuristic(tvb, pinfo, tree)
    if not looks_like_frame(tvb, 0) then return false end
    pinfo.conversation = p
    p.dissector(tvb, pinfo, tree)
    return true
end
p:register_heuristic("tcp", heuristic)
