//! Two versions of a schedule side by side (W15): tasks matched by UID (when both files carry
//! real UIDs), then by WBS and name; added, removed and moved tasks with their slips in days.
//! The same matching carries progress captures over to a new version (W16).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::Task;

/// For each task of `new`, the index of the same task in `old`.
pub fn matching(old: &[Task], new: &[Task], by_uid: bool) -> Vec<Option<usize>> {
    let mut taken = vec![false; old.len()];
    let mut found = vec![None; new.len()];
    if by_uid {
        let uids: HashMap<i32, usize> = old.iter().enumerate().map(|(i, t)| (t.uid, i)).collect();
        for (n, t) in new.iter().enumerate() {
            if let Some(&o) = uids.get(&t.uid) {
                found[n] = Some(o);
                taken[o] = true;
            }
        }
    }
    let mut by_name: HashMap<(&str, String), Vec<usize>> = HashMap::new();
    for (i, t) in old.iter().enumerate().rev() {
        if !taken[i] {
            by_name
                .entry((t.wbs.as_str(), super::norm(&t.name)))
                .or_default()
                .push(i);
        }
    }
    for (n, t) in new.iter().enumerate() {
        if found[n].is_none()
            && let Some(list) = by_name.get_mut(&(t.wbs.as_str(), super::norm(&t.name)))
            && let Some(o) = list.pop()
        {
            found[n] = Some(o);
        }
    }
    found
}

/// A task in a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i32,
    pub wbs: String,
    pub name: String,
    pub start: NaiveDate,
    pub finish: NaiveDate,
}

impl From<&Task> for Entry {
    fn from(t: &Task) -> Entry {
        Entry {
            id: t.id,
            wbs: t.wbs.clone(),
            name: t.name.clone(),
            start: t.start,
            finish: t.finish,
        }
    }
}

/// A task whose dates changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub now: Entry,
    pub before: Entry,
    /// Calendar days; positive = later.
    pub start_delta: i64,
    pub finish_delta: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diff {
    pub added: Vec<Entry>,
    pub removed: Vec<Entry>,
    /// Sorted by the finish slip, largest first.
    pub moved: Vec<Moved>,
    pub unchanged: usize,
}

/// What changed from `old` to `new`.
pub fn diff(old: &[Task], new: &[Task], by_uid: bool) -> Diff {
    let found = matching(old, new, by_uid);
    let mut matched = vec![false; old.len()];
    let mut out = Diff::default();
    for (n, t) in new.iter().enumerate() {
        match found[n] {
            Some(o) => {
                matched[o] = true;
                let before = &old[o];
                if before.start == t.start && before.finish == t.finish {
                    out.unchanged += 1;
                } else {
                    out.moved.push(Moved {
                        now: t.into(),
                        before: before.into(),
                        start_delta: (t.start - before.start).num_days(),
                        finish_delta: (t.finish - before.finish).num_days(),
                    });
                }
            }
            None => out.added.push(t.into()),
        }
    }
    out.removed = old
        .iter()
        .zip(&matched)
        .filter(|(_, m)| !**m)
        .map(|(t, _)| t.into())
        .collect();
    out.moved.sort_by(|a, b| {
        b.finish_delta
            .cmp(&a.finish_delta)
            .then(a.now.id.cmp(&b.now.id))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::task;
    use super::*;

    #[test]
    fn w15_compare_finds_added_removed_and_moved() {
        let old = vec![
            task(1, None, "2026-01-05", "2026-01-09"),
            task(2, None, "2026-01-05", "2026-01-09"),
            task(3, None, "2026-01-05", "2026-01-09"),
        ];
        let mut new = vec![
            task(1, None, "2026-01-05", "2026-01-09"),
            task(2, None, "2026-01-05", "2026-01-13"),
            task(3, None, "2026-01-05", "2026-01-19"),
            task(4, None, "2026-01-05", "2026-01-09"),
        ];
        new.remove(0);
        let d = diff(&old, &new, true);
        assert_eq!(d.removed.len(), 1);
        assert_eq!(d.removed[0].id, 1);
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.moved[0].now.id, 3);
        assert_eq!(d.moved[0].finish_delta, 10);
        assert_eq!(d.moved[1].finish_delta, 4);
    }

    #[test]
    fn w16_matching_falls_back_to_wbs_and_name() {
        let old = vec![task(1, None, "2026-01-05", "2026-01-09")];
        let mut new = vec![task(7, None, "2026-01-05", "2026-01-09")];
        new[0].wbs = "1".into();
        new[0].name = "t1".into();
        assert_eq!(matching(&old, &new, true), vec![Some(0)]);
        assert_eq!(matching(&old, &new, false), vec![Some(0)]);
        new[0].name = "otra".into();
        assert_eq!(matching(&old, &new, true), vec![None]);
    }
}
