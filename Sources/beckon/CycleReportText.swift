import BeckonCore
import BeckonDaemon
import BeckonDispatch
import BeckonStore
import Foundation

/// The human summary `run --once` prints.
enum CycleReportText {
    /// - Parameter pauses: what `beckon pause` holds back, said last: it explains why due messages did not go.
    static func render(_ report: BeckonEngine.CycleReport, recovered: Dispatcher.Summary, at now: Date, zone: TimeZone,
                       pauses: [SendPause] = []) -> String {
        var lines = ["cycle at \(ISOInstant.format(now, in: zone))"]
        if recovered.recovered + recovered.unknown > 0 {
            lines.append("  recovered after a crash: \(recovered.recovered) resent, \(recovered.unknown) unknown")
        }
        for file in report.files {
            var line = "  inbox \(file.file): \(file.kind.rawValue)"
            if file.kind == .imported { line += ", \(file.rows) rows, \(file.rejectedRows) rejected" }
            if !file.detail.isEmpty { line += " (\(file.detail))" }
            lines.append(line)
        }
        lines.append("  planned \(report.planned) new message(s), \(report.alreadyPlanned) already planned")
        for (reason, count) in report.decided.sorted(by: { $0.key < $1.key }) {
            lines.append("  not planned \(count): \(reason)")
        }
        let d = report.dispatch
        lines.append("  sent \(d.sent), failed \(d.failed), will retry \(d.retried), expired \(d.expired)")
        if d.suppressed + d.deferred + d.dropped > 0 {
            lines.append("  held at dispatch: \(d.suppressed) suppressed, \(d.deferred) deferred, \(d.dropped) dropped")
        }
        for file in report.receiptFiles { lines.append("  receipts: \(file.path)") }
        if let next = report.nextSendAt {
            lines.append("  waiting: \(report.waiting) message(s) scheduled, the first at \(ISOInstant.format(next, in: zone)) (within send windows, outside quiet hours)")
        }
        if !pauses.isEmpty {
            lines += PauseTargets.describe(pauses, zone: zone).split(separator: "\n").map { "  \($0) (beckon resume lifts it)" }
        }
        return lines.joined(separator: "\n")
    }
}
