import BeckonDaemon

/// `beckon status` for people: one fact a line, the ones that need action first.
enum StatusText {
    static func render(_ report: StatusReport) -> String {
        var lines: [String] = []
        if let writer = report.writer {
            let who = writer.pid.map { "pid \($0)" } ?? "a process starting up"
            lines.append(writer.isDaemon ? "daemon: running, \(who), since \(writer.since)"
                                         : "daemon: not running; the store is held by \(who) (\(writer.command)) since \(writer.since)")
        } else {
            lines.append("daemon: not running")
        }
        let config = report.configuration
        if let running = config.hashRunning {
            let same = running == config.hashOnDisk ? "same as on disk" : "etc/ has changed since (\(config.hashOnDisk.prefix(12)) on disk): send SIGHUP to reload"
            lines.append("configuration: \(running.prefix(12)) loaded \(config.loadedAt ?? "?"), \(same)")
        } else {
            lines.append("configuration: \(config.hashOnDisk.prefix(12)) on disk (no daemon has run on this store)")
        }
        if let failure = config.reloadFailure {
            lines.append("reload refused at \(failure.at): \(failure.text)")
        }
        if let error = config.errorOnDisk { lines.append("etc/ on disk does not load: \(error)") }
        lines.append(report.paused.isEmpty ? "sending: not paused" : report.paused.map { pause in
            "paused: " + (pause.scope == "all" ? "everything" : "\(pause.scope) \(pause.name)") + " since \(pause.since)"
        }.joined(separator: "\n"))
        if let cycle = report.lastCycle {
            lines.append("last cycle: \(cycle.at): \(cycle.files) file(s), \(cycle.planned) planned, \(cycle.sent) sent, \(cycle.failed) failed, \(cycle.expired) expired, \(cycle.retried) retried")
        }
        if let error = report.lastCycleError { lines.append("last cycle failed: \(error)") }
        if let file = report.lastInboxFile {
            lines.append("last inbox file: \(file.file) \(file.outcome) at \(file.at) (\(file.rows) rows, \(file.rejectedRows) rejected)"
                         + (file.detail.isEmpty ? "" : ": \(file.detail)"))
        }
        let states = report.messages.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        lines.append("messages: " + (states.isEmpty ? "none" : states.joined(separator: ", ")))
        lines.append("next send: \(report.nextSendAt ?? "nothing scheduled")")
        lines.append("in flight: \(report.inFlight)")
        for channel in report.channels {
            var text = "channel \(channel.id) (\(channel.kind)): \(channel.sentLastMinute) sent in the last minute"
            text += channel.rate.map { ", rate \(Self.number($0))/s" } ?? ", no rate limit"
            text += ", concurrency \(channel.concurrency), \(channel.inFlight) in flight"
            if let awaiting = channel.awaitingReports { text += ", \(awaiting) awaiting delivery reports" }
            lines.append(text)
        }
        if let failure = report.lastFailure {
            lines.append("last failure: \(failure.key) \(failure.reason)" + (failure.providerCode.isEmpty ? "" : " (\(failure.providerCode))") + " at \(failure.at)")
        }
        if let problem = report.lastSendProblem {
            lines.append("last send problem: \(problem.key) through \(problem.channel): \(problem.reason)"
                         + (problem.providerCode.isEmpty ? "" : " (\(problem.providerCode))")
                         + " at \(problem.at), \(problem.retrying ? "to be retried" : "failed")")
        }
        for block in report.contentBlocked {
            let variant = block.variant.isEmpty ? "" : " variant \(block.variant)"
            lines.append("content blocked: campaign \(block.campaign)\(variant): \(block.count) refused by carriers in \(StatusReport.contentBlockedDays) days"
                         + ", last \(block.lastCode) at \(block.lastAt): change the text (the numbers are not suppressed)")
        }
        if let lag = report.reportLagSeconds {
            lines.append("delivery reports: the oldest awaited was sent \(lag) s ago; last report \(report.lastReportAt ?? "never")")
        } else if let last = report.lastReportAt {
            lines.append("delivery reports: none awaited; last report \(last)")
        }
        return lines.joined(separator: "\n")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
