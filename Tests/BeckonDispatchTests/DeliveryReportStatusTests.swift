import BeckonCore
import BeckonDispatch
import Testing

@Suite("Delivery report states")
struct DeliveryReportStatusTests {
    @Test("Kannel DLR types map to ledger states", arguments: [
        (1, MessageStatus.delivered), (2, .undelivered), (4, .queued), (8, .sent), (16, .undelivered),
    ])
    func kannelTypes(type: Int, status: MessageStatus) {
        #expect(DeliveryReportStatus.kannel(type) == status)
    }

    @Test("a late report never downgrades a final state", arguments: [
        (MessageStatus.delivered, MessageStatus.sent, MessageStatus.delivered),
        (.delivered, .queued, .delivered),
        (.sent, .delivered, .delivered),
        (.unknown, .delivered, .delivered),
        (.queued, .sent, .sent),
        (.undelivered, .delivered, .undelivered),
    ])
    func neverDowngrades(current: MessageStatus, report: MessageStatus, expected: MessageStatus) {
        #expect(DeliveryReportStatus.merge(current: current, report: report) == expected)
    }

    @Test("a multipart message is delivered only when every part is")
    func multipart() {
        #expect(DeliveryReportStatus.combine(parts: [.delivered, .sent]) == .sent)
        #expect(DeliveryReportStatus.combine(parts: [.delivered, .delivered]) == .delivered)
        #expect(DeliveryReportStatus.combine(parts: [.delivered, .undelivered]) == .undelivered)
    }
}
