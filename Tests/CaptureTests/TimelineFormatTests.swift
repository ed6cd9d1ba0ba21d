// The JSON and HTML forms of a fixture's timeline hold every message, and the HTML page is
// self-contained.
import Capture
import Foundation
import Testing

@Test func theJSONTimelineParsesAndHoldsEveryMessageWithItsFields() throws {
    let d = try CaptureDecoder().decode(path: Fixtures.path("join", "pcap"))
    let t = Timeline(d)
    let json = TimelineJSON.render(t, capture: d)
    let top = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let messages = try #require(top["messages"] as? [[String: Any]])
    #expect(messages.count == t.messages.count)
    #expect(top["packets"] as? Int == d.packets)
    let append = try #require(messages.first { ($0["entries"] as? [[String: Any]])?.contains { ($0["content"] as? String) == "SET k1 v1" } == true })
    #expect(append["type"] as? String == "AppendEntries")
    #expect(append["from"] as? String == "1" || append["from"] as? String == "2" || append["from"] as? String == "3")
    #expect(messages.contains { $0["type"] as? String == "InstallSnapshot" })
}

@Test func theHTMLPageDrawsOneArrowPerMessageAndLoadsNothingFromElsewhere() throws {
    let d = try CaptureDecoder().decode(path: Fixtures.path("election", "pcap"))
    let t = Timeline(d)
    let page = TimelineHTML.render(t, capture: d, title: "election <fixture>")
    #expect(page.components(separatedBy: "<polygon").count - 1 == t.messages.count)
    #expect(page.contains("election &lt;fixture&gt;"))
    #expect(!page.contains("<script src") && !page.contains("<link "))
}
