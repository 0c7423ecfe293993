import Foundation

/// Beckon's year ahead, in memory: the daemon's cycle (the same `Planner`, `SendGate` and `BudgetRule`) run at
/// every tick of an interval over a set of customers, each with an in-memory ledger, so that caps, the daily
/// winner, holdouts and budgets bind across the simulated days as they would for real. Nothing is sent and
/// nothing outside its arguments is read or written.
///
/// A daemon that never stops runs a cycle every `tick`: each cycle plans the occurrences its window first sees
/// (a day's when the day begins, a cron instant at the first tick at or after it), then sends every message
/// whose time has come, the gate deciding each customer's due set and the budget each claim, in send-time order.
/// The simulation does exactly that, but only at the ticks where something happens to a customer, and it
/// evaluates each customer's calendar once a month (`Planner.forEachDecision(seenAt:)`), not once a tick.
public struct Simulation: Sendable {
    public let cycle: PolicyCycle
    public let budgets: BudgetRule
    /// The daemon's tick (`tick_seconds`): cycles run at `interval.start` + n x tick.
    public let tick: TimeInterval
    /// From the first simulated day's start to the end of the last, in the brand's zone.
    public let interval: DateInterval
    /// The brand's zone: the days of the tally and the months the calendars are evaluated by.
    public let zone: TimeZone
    /// The channel a message is claimed for (its first route): the one whose rate it uses and whose price it costs.
    public let slot: @Sendable (PlannedMessage) -> String

    public init(cycle: PolicyCycle, budgets: BudgetRule, tick: TimeInterval, interval: DateInterval, zone: TimeZone,
                slot: @escaping @Sendable (PlannedMessage) -> String = { $0.channel }) {
        self.cycle = cycle
        self.budgets = budgets
        self.tick = max(1, tick)
        self.interval = interval
        self.zone = zone
        self.slot = slot
    }

    /// The first cycle at or after `instant` (and not before the first one).
    public func cycleInstant(seeing instant: Date) -> Date {
        let offset = instant.timeIntervalSince(interval.start)
        guard offset > 0 else { return interval.start }
        return interval.start.addingTimeInterval((offset / tick).rounded(.up) * tick)
    }

    /// The instants the calendars are evaluated from: the first day, then the first of each month after it.
    func chunks() -> [DateInterval] {
        var starts = [interval.start]
        var day = LocalDate(interval.start, in: zone)
        while true {
            let next = day.month == 12 ? LocalDate(year: day.year + 1, month: 1, day: 1)! : LocalDate(year: day.year, month: day.month + 1, day: 1)!
            let start = next.start(in: zone)
            guard start < interval.end else { break }
            starts.append(start)
            day = next
        }
        return zip(starts, starts.dropFirst() + [interval.end]).map { DateInterval(start: $0, end: $1) }
    }

    /// Runs the interval for `customers`, adding to `tally`.
    ///
    /// - Parameter spend: each budgeted campaign's spend so far (seeded with the real day's and month's);
    ///   carried on, so that several runs over parts of the customers can share it.
    public func run(_ customers: inout [SimulatedCustomer], spend: inout [String: RunningBudgetSpend], into tally: inout SimulationTally) {
        tally.customers += customers.count
        let index = Dictionary(customers.indices.map { (customers[$0].customer.id, $0) }, uniquingKeysWith: { first, _ in first })
        let recipients = customers.map { cycle.recipient(for: $0.customer) }
        let forgetAfter = Double(cycle.historyDays + 2) * 86_400
        var queue = WakeQueue()
        var wakeAt = [Date?](repeating: nil, count: customers.count)

        func schedule(_ i: Int, after now: Date?) {
            var next = customers[i].nextUpcoming < customers[i].upcoming.count ? customers[i].upcoming[customers[i].nextUpcoming].seen : nil
            if let at = customers[i].ledger.nextSendTime(of: customers[i].customer.id) {
                var due = cycleInstant(seeing: at)
                if let now, due <= now { due = now.addingTimeInterval(tick) }
                next = min(next ?? due, due)
            }
            wakeAt[i] = next
            if let next, next < interval.end { queue.push(next, i) }
        }

        for chunk in chunks() {
            // The calendars of the month, each occurrence decided by the cycle that first sees it. The first
            // window is the first instant's, as a first cycle's is; the later ones reach back a moment so that
            // a cron instant on the boundary is seen once.
            let window = chunk.start == interval.start
                ? DateInterval(start: chunk.start, end: chunk.end.addingTimeInterval(-0.001))
                : DateInterval(start: chunk.start.addingTimeInterval(-0.001), end: chunk.end.addingTimeInterval(-0.001))
            let all = customers.map(\.customer)
            var current = -1
            let suppressions = customers.flatMap(\.suppressions)
            cycle.planner.forEachDecision(customers: all, window: window, suppressions: suppressions, seenAt: { cycleInstant(seeing: $0.instant) }) { decision, seen in
                if current < 0 || customers[current].customer.id != decision.customer { current = index[decision.customer] ?? -1 }
                guard current >= 0 else { return }
                customers[current].upcoming.append((seen, decision))
            }
            queue = WakeQueue()
            for i in customers.indices {
                customers[i].upcoming.removeFirst(customers[i].nextUpcoming)
                customers[i].nextUpcoming = 0
                customers[i].upcoming.sort { $0.seen < $1.seen }
                customers[i].ledger.forget(of: customers[i].customer.id, before: chunk.start.addingTimeInterval(-forgetAfter))
                schedule(i, after: nil)
            }
            while let (now, woken) = queue.popAll(before: chunk.end) {
                var approved: [(customer: Int, message: PlannedMessage)] = []
                var seenThisTick = Set<Int>()
                for i in woken where wakeAt[i] == now && seenThisTick.insert(i).inserted {
                    plan(&customers[i], at: now, into: &tally)
                    let step = cycle.review(recipients[i], suppressions: customers[i].suppressions, now: now, in: &customers[i].ledger)
                    count(step.changes, at: now, into: &tally)
                    approved += step.approved.map { (i, $0) }
                }
                // Claimed in the dispatcher's order: send time, then key.
                approved.sort { ($0.message.sendAt, $0.message.key) < ($1.message.sendAt, $1.message.key) }
                for (i, message) in approved {
                    claim(message, of: &customers[i], at: now, spend: &spend, into: &tally)
                }
                for i in seenThisTick { schedule(i, after: now) }
            }
        }
    }

    /// The plan step of the cycle at `now` for one customer: the decisions it sees, recorded unless their key is there.
    func plan(_ simulated: inout SimulatedCustomer, at now: Date, into tally: inout SimulationTally) {
        var result = Planner.Result()
        while simulated.nextUpcoming < simulated.upcoming.count, simulated.upcoming[simulated.nextUpcoming].seen <= now {
            let decision = simulated.upcoming[simulated.nextUpcoming].decision
            simulated.nextUpcoming += 1
            if case .send = decision.verdict, let message = decision.message { result.messages.append(message) } else { result.decisions.append(decision) }
        }
        guard !result.messages.isEmpty || !result.decisions.isEmpty else { return }
        count(cycle.record(result, in: &simulated.ledger), at: now, into: &tally)
    }

    /// The claim of one message the gate let go: sent, or held by its campaign's budget.
    func claim(_ message: PlannedMessage, of simulated: inout SimulatedCustomer, at now: Date, spend: inout [String: RunningBudgetSpend],
               into tally: inout SimulationTally) {
        let channel = slot(message)
        let segments = Self.segments(of: message)
        let campaign = message.key.campaign
        var verdict = PolicyVerdict.send(sendAt: message.sendAt, validUntil: message.validUntil)
        if budgets.budgets[campaign] != nil {
            var running = spend[campaign] ?? RunningBudgetSpend(at: now, rule: budgets)
            var current = running.current(at: now, rule: budgets)
            if let held = budgets.admit(campaign: campaign, segments: segments, channel: channel, spend: &current, at: now,
                                        validUntil: message.validUntil) {
                verdict = held
            } else {
                running.record(current)
            }
            spend[campaign] = running
        }
        guard let change = cycle.apply(verdict, to: message.key, now: now, in: &simulated.ledger) else { return }
        let key = SimulationTally.Key(day: LocalDate(now, in: zone), campaign: campaign)
        if change.after == .sent {
            tally.rows[key, default: .init()].sent += 1
            tally.rows[key, default: .init()].segments += segments
            tally.rows[key, default: .init()].cost += Double(segments) * budgets.price(channel: channel)
            tally.channelHours[channel, default: [:]][Int((now.timeIntervalSince1970 / 3600).rounded(.down)), default: 0] += 1
        } else {
            tally.rows[key, default: .init()].heldByBudget += 1
        }
    }

    /// Counts what the plan step and the gate did.
    func count(_ changes: [PolicyCycle.Change], at now: Date, into tally: inout SimulationTally) {
        let day = LocalDate(now, in: zone)
        for change in changes {
            let key = SimulationTally.Key(day: day, campaign: change.key.campaign)
            let code = change.reason?.code
            if change.before == nil, change.after == .scheduled {
                tally.rows[key, default: .init()].planned += 1
            } else if Holdout.group(ofReasonCode: code) != nil {
                tally.rows[key, default: .init()].heldOut += 1
            } else if let code, code == "lower_priority" || code.hasPrefix("cap_") {
                tally.rows[key, default: .init()].heldByCaps += 1
            } else if change.after != .scheduled && change.after != .deferred {
                tally.rows[key, default: .init()].stopped += 1
            }
        }
    }

    /// The message's SMS segments as it would go: a coupon's slots filled with a code of the sample's length.
    public static func segments(of message: PlannedMessage) -> Int {
        guard let coupon = message.coupon, CouponSlots.hasSlots(message.text) else { return SegmentCounter.count(message.text).segments }
        return SegmentCounter.count(CouponSlots.preview(message.text, code: CouponSlots.previewCode, expiresOn: coupon.validThrough)).segments
    }
}

/// The customers to wake, by instant: a binary heap of (instant, customer index).
struct WakeQueue {
    private var heap: [(at: Date, index: Int)] = []

    mutating func push(_ at: Date, _ index: Int) {
        heap.append((at, index))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard (heap[child].at, heap[child].index) < (heap[parent].at, heap[parent].index) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (at: Date, index: Int)? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, (heap[left].at, heap[left].index) < (heap[smallest].at, heap[smallest].index) { smallest = left }
                if right < heap.count, (heap[right].at, heap[right].index) < (heap[smallest].at, heap[smallest].index) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }

    /// The earliest instant before `end` and every customer to wake then, in index order.
    mutating func popAll(before end: Date) -> (Date, [Int])? {
        guard let first = heap.first, first.at < end else { return nil }
        var woken: [Int] = []
        while let next = heap.first, next.at == first.at { woken.append(pop()!.index) }
        return (first.at, woken)
    }
}
