/// The calendars a kit writes to etc/calendars/.
enum KitCalendars {
    /// China's official rest and make-up working days: the shipped etc/calendars/cn.workdays.yaml, word for word
    /// (a test compares them), so payday and working-day rules in a kit shift as in the shipped configuration.
    static let workdays = #"""
# China's official rest days and make-up working days (国务院办公厅 部分节假日安排), by year.
# rest: public holidays and the days moved next to them; work: make-up working days (调休上班),
# usually a Saturday or Sunday. Weekends not listed rest; weekdays not listed work.
# To update: drop a newer file named *.workdays.yaml into etc/calendars/; a later file (by name) replaces
# the years it lists. `beckon calendar workday YYYY-MM-DD` shows the result.
2020:
  # Spring Festival was extended to 2 February by the State Council's notice of 26 January 2020.
  rest: [2020-01-01, 2020-01-24..2020-02-02, 2020-04-04..2020-04-06, 2020-05-01..2020-05-05, 2020-06-25..2020-06-27, 2020-10-01..2020-10-08]
  work: [2020-01-19, 2020-04-26, 2020-05-09, 2020-06-28, 2020-09-27, 2020-10-10]
2021:
  rest: [2021-01-01..2021-01-03, 2021-02-11..2021-02-17, 2021-04-03..2021-04-05, 2021-05-01..2021-05-05, 2021-06-12..2021-06-14, 2021-09-19..2021-09-21, 2021-10-01..2021-10-07]
  work: [2021-02-07, 2021-02-20, 2021-04-25, 2021-05-08, 2021-09-18, 2021-09-26, 2021-10-09]
2022:
  rest: [2022-01-01..2022-01-03, 2022-01-31..2022-02-06, 2022-04-03..2022-04-05, 2022-04-30..2022-05-04, 2022-06-03..2022-06-05, 2022-09-10..2022-09-12, 2022-10-01..2022-10-07]
  work: [2022-01-29, 2022-01-30, 2022-04-02, 2022-04-24, 2022-05-07, 2022-10-08, 2022-10-09]
2023:
  rest: [2022-12-31..2023-01-02, 2023-01-21..2023-01-27, 2023-04-05, 2023-04-29..2023-05-03, 2023-06-22..2023-06-24, 2023-09-29..2023-10-06]
  work: [2023-01-28, 2023-01-29, 2023-04-23, 2023-05-06, 2023-06-25, 2023-10-07, 2023-10-08]
2024:
  rest: [2024-01-01, 2024-02-10..2024-02-17, 2024-04-04..2024-04-06, 2024-05-01..2024-05-05, 2024-06-10, 2024-09-15..2024-09-17, 2024-10-01..2024-10-07]
  work: [2024-02-04, 2024-02-18, 2024-04-07, 2024-04-28, 2024-05-11, 2024-09-14, 2024-09-29, 2024-10-12]
2025:
  rest: [2025-01-01, 2025-01-28..2025-02-04, 2025-04-04..2025-04-06, 2025-05-01..2025-05-05, 2025-05-31..2025-06-02, 2025-10-01..2025-10-08]
  work: [2025-01-26, 2025-02-08, 2025-04-27, 2025-09-28, 2025-10-11]
2026:
  rest: [2026-01-01..2026-01-03, 2026-02-15..2026-02-23, 2026-04-04..2026-04-06, 2026-05-01..2026-05-05, 2026-06-19..2026-06-21, 2026-09-25..2026-09-27, 2026-10-01..2026-10-07]
  work: [2026-01-04, 2026-02-14, 2026-02-28, 2026-05-09, 2026-09-20, 2026-10-10]

"""#

    /// The shop's own days for `holiday_countdown`, as an example to edit (docs/calendar.md, etc/calendars/).
    static let storeHolidays = #"""
    # Your own holidays for holiday_countdown campaigns: a key, a name and a date (MM-DD), a lunar date
    # ({ lunar: "08-01" }) or a list of dates ({ dates: [2026-03-20] }). Edit the shop's anniversary, then e.g.
    # trigger: { kind: holiday_countdown, holiday: store_day, days_before: [3, 1, 0] }
    store_day: { name: 店庆, date: "05-18" }

    """#
}
