//! Applying a policy to a session's events.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::{Flag, Policy, Rule, RuleKind};
use crate::events::{Event, EventType, Millis};

/// The flags `policy` raises on a session's `events`, one per rule at most, in the policy's rule order.
///
/// The result depends on the set of events only: they are sorted by [`Event::chronological`] first, so
/// the order they arrived in does not matter, and exact duplicates (a batch a client sent twice) count
/// once, so evaluating `events` twice over gives the same flags as once.
pub fn evaluate(policy: &Policy, events: &[Event]) -> Vec<Flag> {
    let mut sorted: Vec<&Event> = events.iter().collect();
    sorted.sort_by(|a, b| a.chronological(b));
    sorted.dedup_by(|a, b| a.chronological(b) == Ordering::Equal);
    policy
        .rules
        .iter()
        .filter_map(|rule| apply(rule, &sorted))
        .collect()
}

/// The flag of one rule on chronologically sorted, distinct events.
fn apply(rule: &Rule, events: &[&Event]) -> Option<Flag> {
    let (first_at, count) = match &rule.kind {
        RuleKind::Any {
            event,
            when,
            at_least,
        } => {
            let mut matching = events.iter().filter(|e| {
                e.kind == *event
                    && when.iter().all(|(key, value)| {
                        e.detail.get(key).and_then(|v| v.as_text()) == Some(value.as_str())
                    })
            });
            let first = matching.next()?.at;
            let count = 1 + matching.count();
            (count >= *at_least as usize).then_some((first, count))?
        }
        RuleKind::Lasting {
            start,
            end,
            longer_than_ms,
            at_least,
        } => {
            let by_section = long_absences(events, start, end, *longer_than_ms);
            let reached = by_section
                .values()
                .filter(|starts| starts.len() >= *at_least as usize);
            reached.fold(None, |acc: Option<(Millis, usize)>, starts| {
                let (first, count) = (starts[0], starts.len());
                Some(acc.map_or((first, count), |(f, c)| (f.min(first), c + count)))
            })?
        }
    };
    Some(Flag {
        rule: rule.name.clone(),
        severity: rule.severity,
        first_at,
        count: u32::try_from(count).unwrap_or(u32::MAX),
    })
}

/// The start times of the absences longer than `longer_than_ms`, grouped by the section each started
/// in. An absence opens at a `start` event when none is open and closes at the next `end` event; one
/// that never closes is not counted.
fn long_absences<'a>(
    events: &[&'a Event],
    start: &[EventType],
    end: &[EventType],
    longer_than_ms: Millis,
) -> BTreeMap<Option<&'a str>, Vec<Millis>> {
    let mut by_section: BTreeMap<Option<&str>, Vec<Millis>> = BTreeMap::new();
    let mut open: Option<&Event> = None;
    for &event in events {
        match open {
            None if start.contains(&event.kind) => open = Some(event),
            Some(began) if end.contains(&event.kind) => {
                if event.at - began.at > longer_than_ms {
                    by_section
                        .entry(began.section.as_deref())
                        .or_default()
                        .push(began.at);
                }
                open = None;
            }
            _ => {}
        }
    }
    by_section
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Detail;
    use crate::policy::Severity;
    use proptest::prelude::*;

    fn flag<'a>(flags: &'a [Flag], rule: &str) -> Option<&'a Flag> {
        flags.iter().find(|f| f.rule == rule)
    }

    fn away(from: Millis, seconds: Millis, section: &str) -> [Event; 2] {
        [
            Event::new(EventType::FocusLost, from).in_section(section),
            Event::new(EventType::FocusRegained, from + seconds * 1000).in_section(section),
        ]
    }

    #[test]
    fn any_rules_count_matching_events() {
        let policy = Policy::default();
        let text = Detail::new().with("target", "text");
        let events = vec![
            Event::new(EventType::Paste, 3_000).with_detail(Detail::new().with("target", "other")),
            Event::new(EventType::Paste, 9_000).with_detail(text.clone()),
            Event::new(EventType::Paste, 5_000).with_detail(text),
            Event::new(EventType::ConcurrentLogin, 7_000),
        ];
        let flags = evaluate(&policy, &events);
        let paste = flag(&flags, "paste_into_text_answer").unwrap();
        assert_eq!(
            (paste.first_at, paste.count, paste.severity),
            (5_000, 2, Severity::High)
        );
        let login = flag(&flags, "concurrent_login").unwrap();
        assert_eq!((login.first_at, login.count), (7_000, 1));
        assert!(flag(&flags, "ip_changed").is_none());
    }

    #[test]
    fn three_long_focus_losses_in_one_section() {
        let policy = Policy::default();
        let mut events: Vec<Event> = [away(0, 11, "reading"), away(60_000, 12, "reading")].concat();
        // A short one and one in another section do not count towards the reading section.
        events.extend(away(120_000, 5, "reading"));
        events.extend(away(200_000, 30, "listening"));
        assert!(flag(&evaluate(&policy, &events), "long_focus_losses").is_none());
        events.extend(away(300_000, 10, "reading"));
        assert!(
            flag(&evaluate(&policy, &events), "long_focus_losses").is_none(),
            "exactly 10 s is not longer than 10 s"
        );
        events.extend(away(400_000, 15, "reading"));
        let flags = evaluate(&policy, &events);
        let f = flag(&flags, "long_focus_losses").unwrap();
        assert_eq!((f.first_at, f.count, f.severity), (0, 3, Severity::Medium));
    }

    #[test]
    fn a_tab_switch_is_one_absence() {
        let policy = Policy::default();
        let mut events = Vec::new();
        for k in 0..3 {
            let t = k * 100_000;
            events.push(Event::new(EventType::FocusLost, t));
            events.push(Event::new(EventType::VisibilityHidden, t + 10));
            events.push(Event::new(EventType::VisibilityVisible, t + 20_000));
            events.push(Event::new(EventType::FocusRegained, t + 20_010));
        }
        let flags = evaluate(&policy, &events);
        assert_eq!(flag(&flags, "long_focus_losses").unwrap().count, 3);
        // Without the ends, nothing is known to have lasted.
        events.retain(|e| e.kind == EventType::FocusLost);
        assert!(flag(&evaluate(&policy, &events), "long_focus_losses").is_none());
    }

    fn event_strategy() -> impl Strategy<Value = Event> {
        (
            0..EventType::ALL.len(),
            0i64..600_000,
            prop_oneof![Just(None), Just(Some("listening")), Just(Some("reading"))],
            prop_oneof![Just(None), Just(Some("text")), Just(Some("other"))],
        )
            .prop_map(|(k, at, section, target)| {
                let mut e = Event::new(EventType::ALL[k], at);
                e.section = section.map(str::to_string);
                if let Some(t) = target {
                    e.detail = Detail::new().with("target", t);
                }
                e
            })
    }

    /// The event types no rule of the default policy mentions.
    fn unrelated_types(policy: &Policy) -> Vec<EventType> {
        EventType::ALL
            .into_iter()
            .filter(|t| {
                !policy.rules.iter().any(|r| match &r.kind {
                    RuleKind::Any { event, .. } => event == t,
                    RuleKind::Lasting { start, end, .. } => start.contains(t) || end.contains(t),
                })
            })
            .collect()
    }

    proptest! {
        #[test]
        fn flags_never_count_more_than_their_events(events in proptest::collection::vec(event_strategy(), 0..80)) {
            let policy = Policy::default();
            for f in evaluate(&policy, &events) {
                let rule = policy.rules.iter().find(|r| r.name == f.rule).unwrap();
                let of_types = events.iter().filter(|e| match &rule.kind {
                    RuleKind::Any { event, .. } => e.kind == *event,
                    RuleKind::Lasting { start, .. } => start.contains(&e.kind),
                }).count();
                prop_assert!(f.count as usize <= of_types, "{f:?} from {of_types} events");
                prop_assert!(f.count >= 1);
                prop_assert!(events.iter().any(|e| e.at == f.first_at));
            }
        }

        #[test]
        fn order_and_duplicates_do_not_matter(events in proptest::collection::vec(event_strategy(), 0..80), seed in any::<u64>()) {
            let policy = Policy::default();
            let flags = evaluate(&policy, &events);
            let mut shuffled = events.clone();
            // A deterministic shuffle from the seed.
            let n = shuffled.len();
            for i in (1..n).rev() {
                let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
                shuffled.swap(i, j);
            }
            prop_assert_eq!(&evaluate(&policy, &shuffled), &flags);
            let twice: Vec<Event> = events.iter().chain(shuffled.iter()).cloned().collect();
            prop_assert_eq!(&evaluate(&policy, &twice), &flags);
        }

        #[test]
        fn an_unrelated_event_never_removes_a_flag(
            events in proptest::collection::vec(event_strategy(), 0..80),
            extra in event_strategy(),
            pick in any::<prop::sample::Index>(),
        ) {
            let policy = Policy::default();
            let unrelated = unrelated_types(&policy);
            prop_assume!(!unrelated.is_empty());
            let mut extra = extra;
            extra.kind = unrelated[pick.index(unrelated.len())];
            let before = evaluate(&policy, &events);
            let mut more = events.clone();
            more.push(extra);
            prop_assert_eq!(evaluate(&policy, &more), before);
        }

        #[test]
        fn adding_an_event_never_removes_an_any_flag(
            events in proptest::collection::vec(event_strategy(), 0..80),
            extra in event_strategy(),
        ) {
            let policy = Policy::default();
            let before = evaluate(&policy, &events);
            let mut more = events.clone();
            more.push(extra);
            let after = evaluate(&policy, &more);
            for f in before.iter().filter(|f| policy.rules.iter().any(|r| r.name == f.rule && matches!(r.kind, RuleKind::Any { .. }))) {
                let still = after.iter().find(|g| g.rule == f.rule);
                prop_assert!(still.is_some_and(|g| g.count >= f.count && g.first_at <= f.first_at));
            }
        }
    }
}
