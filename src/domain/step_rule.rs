//! W3: which step-template set an OT gets, from the editable rule table.

/// One row of the rule table: an OT of `kind` (and of `client`, or any client when `None`) gets
/// the templates of `template_set`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepRule {
    pub kind: i32,
    pub client: Option<i32>,
    pub template_set: i32,
}

/// The set for an OT: the rule for its kind and client if there is one, else the kind's rule for
/// any client, else `None` (the OT gets no steps; the rule table says so on the admin page).
pub fn pick_template_set(rules: &[StepRule], kind: i32, client: Option<i32>) -> Option<i32> {
    let exact = client.and_then(|c| rules.iter().find(|r| r.kind == kind && r.client == Some(c)));
    exact
        .or_else(|| rules.iter().find(|r| r.kind == kind && r.client.is_none()))
        .map(|r| r.template_set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codes::{kind, template_set};

    /// The rule the migrations seed, exactly the seed's.
    fn seeded() -> Vec<StepRule> {
        let r = |kind, client, template_set| StepRule {
            kind,
            client,
            template_set,
        };
        vec![
            r(5, Some(1), 5),
            r(5, Some(2), 18),
            r(5, Some(3), 18),
            r(5, Some(4), 18),
            r(5, None, 5),
            r(4, None, 5),
        ]
    }

    #[test]
    fn kind_5_client_1_uses_set_5() {
        assert_eq!(
            pick_template_set(&seeded(), kind::REPROGRAMMING, Some(1)),
            Some(template_set::REPROGRAMMING)
        );
    }

    #[test]
    fn kind_5_clients_2_3_4_use_set_18() {
        for client in [2, 3, 4] {
            assert_eq!(
                pick_template_set(&seeded(), kind::REPROGRAMMING, Some(client)),
                Some(template_set::INTERCOM)
            );
        }
    }

    #[test]
    fn kind_5_other_or_no_client_uses_set_5() {
        assert_eq!(
            pick_template_set(&seeded(), kind::REPROGRAMMING, Some(5)),
            Some(5)
        );
        assert_eq!(
            pick_template_set(&seeded(), kind::REPROGRAMMING, None),
            Some(5)
        );
    }

    #[test]
    fn kind_4_uses_set_5_whatever_the_client() {
        for client in [None, Some(1), Some(2), Some(3), Some(4), Some(99)] {
            assert_eq!(pick_template_set(&seeded(), kind::INITIAL, client), Some(5));
        }
    }

    #[test]
    fn an_unknown_kind_gets_no_set() {
        assert_eq!(pick_template_set(&seeded(), 7, Some(1)), None);
    }
}
