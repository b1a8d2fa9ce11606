//! The roll-up of progress (W16): a summary task's % is the weighted average of its children's,
//! weight = ponderación; the OT's physical progress is the same average over the top tasks.
//!
//! Weights: when the file has a ponderación column, a leaf weighs its own value (none = 0) and a
//! summary its own value when it has one, else the sum of its children's (so both conventions
//! work: weights on leaves that add up to 100 over the project, and weights relative to the
//! siblings at every level). Without the column every task weighs its working-day duration. A
//! group whose weights are all 0 falls back to durations, then to a plain average.

use std::collections::HashMap;

use super::Task;

/// The task tree of one version, ready to roll values up.
#[derive(Debug, Clone)]
pub struct Tree {
    children: Vec<Vec<usize>>,
    roots: Vec<usize>,
    /// Children before their parents.
    post_order: Vec<usize>,
    weight: Vec<f64>,
    duration: Vec<f64>,
}

impl Tree {
    pub fn new(tasks: &[Task], has_weights: bool, minutes_per_day: i32) -> Tree {
        let index: HashMap<i32, usize> =
            tasks.iter().enumerate().map(|(i, t)| (t.uid, i)).collect();
        let mut children = vec![Vec::new(); tasks.len()];
        let mut roots = Vec::new();
        for (i, t) in tasks.iter().enumerate() {
            match t.parent_uid.and_then(|p| index.get(&p)) {
                Some(&p) if p != i => children[p].push(i),
                _ => roots.push(i),
            }
        }
        let mut post_order = Vec::with_capacity(tasks.len());
        let mut stack: Vec<(usize, bool)> = roots.iter().rev().map(|&r| (r, false)).collect();
        while let Some((i, expanded)) = stack.pop() {
            if expanded || children[i].is_empty() {
                post_order.push(i);
            } else {
                stack.push((i, true));
                stack.extend(children[i].iter().rev().map(|&c| (c, false)));
            }
        }
        let mut weight = vec![0.0; tasks.len()];
        let mut duration = vec![0.0; tasks.len()];
        for &i in &post_order {
            let t = &tasks[i];
            if children[i].is_empty() {
                duration[i] = t.days(minutes_per_day).max(0.0);
                weight[i] = if has_weights {
                    #[expect(clippy::cast_precision_loss, reason = "weights are far below 2^53")]
                    let w = t.weight.unwrap_or(0) as f64 / 1e6;
                    w
                } else {
                    duration[i]
                };
            } else {
                duration[i] = children[i].iter().map(|&c| duration[c]).sum();
                let sum: f64 = children[i].iter().map(|&c| weight[c]).sum();
                weight[i] = match t.weight {
                    #[expect(clippy::cast_precision_loss, reason = "weights are far below 2^53")]
                    Some(w) if has_weights && w > 0 => w as f64 / 1e6,
                    _ => sum,
                };
            }
        }
        Tree {
            children,
            roots,
            post_order,
            weight,
            duration,
        }
    }

    pub fn is_leaf(&self, i: usize) -> bool {
        self.children[i].is_empty()
    }

    /// A task's children, by index, in file order.
    pub fn children(&self, i: usize) -> &[usize] {
        self.children.get(i).map(Vec::as_slice).unwrap_or_default()
    }

    /// The top tasks, by index, in file order.
    pub fn roots(&self) -> &[usize] {
        &self.roots
    }

    /// Every task, children before their parents.
    pub fn post_order(&self) -> &[usize] {
        &self.post_order
    }

    /// Every task's value (leaves from `leaf`, summaries rolled up) and the overall value.
    pub fn roll(&self, leaf: impl Fn(usize) -> f64) -> (Vec<f64>, f64) {
        let mut value = vec![0.0; self.children.len()];
        for &i in &self.post_order {
            value[i] = if self.children[i].is_empty() {
                leaf(i)
            } else {
                self.average(&self.children[i], &value)
            };
        }
        let overall = self.average(&self.roots, &value);
        (value, overall)
    }

    fn average(&self, group: &[usize], value: &[f64]) -> f64 {
        for weights in [&self.weight, &self.duration] {
            let total: f64 = group.iter().map(|&c| weights[c]).sum();
            if total > 0.0 {
                return group.iter().map(|&c| weights[c] * value[c]).sum::<f64>() / total;
            }
        }
        if group.is_empty() {
            return 0.0;
        }
        #[expect(clippy::cast_precision_loss, reason = "a group has few tasks")]
        let n = group.len() as f64;
        group.iter().map(|&c| value[c]).sum::<f64>() / n
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::task;
    use super::*;

    #[test]
    fn w16_rolls_up_by_weight() {
        let mut tasks = vec![
            task(1, None, "2026-01-05", "2026-01-16"),
            task(2, Some(1), "2026-01-05", "2026-01-09"),
            task(3, Some(1), "2026-01-12", "2026-01-16"),
        ];
        tasks[1].weight = Some(75_000_000);
        tasks[2].weight = Some(25_000_000);
        let tree = Tree::new(&tasks, true, 480);
        let (values, overall) = tree.roll(|i| if i == 1 { 100.0 } else { 0.0 });
        assert!((values[0] - 75.0).abs() < 1e-9);
        assert!((overall - 75.0).abs() < 1e-9);
    }

    #[test]
    fn w16_rolls_up_by_duration_without_weights() {
        let mut tasks = vec![
            task(1, None, "2026-01-05", "2026-01-16"),
            task(2, Some(1), "2026-01-05", "2026-01-09"),
            task(3, Some(1), "2026-01-12", "2026-01-16"),
        ];
        tasks[1].duration_minutes = 3 * 480;
        tasks[2].duration_minutes = 480;
        let tree = Tree::new(&tasks, false, 480);
        let (_, overall) = tree.roll(|i| if i == 2 { 100.0 } else { 0.0 });
        assert!((overall - 25.0).abs() < 1e-9);
    }

    #[test]
    fn w16_zero_weights_fall_back_to_duration() {
        let tasks = vec![
            task(1, None, "2026-01-05", "2026-01-09"),
            task(2, None, "2026-01-05", "2026-01-09"),
        ];
        let tree = Tree::new(&tasks, true, 480);
        let (_, overall) = tree.roll(|i| if i == 0 { 100.0 } else { 0.0 });
        assert!((overall - 50.0).abs() < 1e-9);
    }
}
