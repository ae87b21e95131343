//! Public names of submitters: individuals become 個人A, 個人B, … 個人Z, 個人AA, …
//! (one person keeps one letter in every row and every export); organisations keep their name.

use crate::domain::SubmitterKind;
use crate::text::column_letter;
use std::collections::HashMap;

/// Public names by submitter id. `submitters` are (id, kind, name) of the whole consultation,
/// so a letter does not depend on which rows an export holds.
pub fn public_names<'a>(
    submitters: impl IntoIterator<Item = (i64, SubmitterKind, &'a str)>,
) -> HashMap<i64, String> {
    let mut all: Vec<(i64, SubmitterKind, &str)> = submitters.into_iter().collect();
    all.sort_by_key(|(id, _, _)| *id);
    let mut letter = 0;
    all.into_iter()
        .map(|(id, kind, name)| match kind {
            SubmitterKind::Individual => {
                letter += 1;
                (id, format!("個人{}", column_letter(letter)))
            }
            SubmitterKind::Organization => (id, name.to_string()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn individuals_get_letters_in_order_and_organisations_keep_names() {
        let names = public_names(vec![
            (3, SubmitterKind::Individual, "山田太郎"),
            (1, SubmitterKind::Individual, "佐藤花子"),
            (2, SubmitterKind::Organization, "HEASNET"),
        ]);
        assert_eq!(names[&1], "個人A");
        assert_eq!(names[&2], "HEASNET");
        assert_eq!(names[&3], "個人B");
    }

    #[test]
    fn past_twenty_six_individuals_letters_double() {
        let people: Vec<(i64, SubmitterKind, &str)> = (1..=28)
            .map(|i| (i, SubmitterKind::Individual, "x"))
            .collect();
        let names = public_names(people);
        assert_eq!(names[&26], "個人Z");
        assert_eq!(names[&27], "個人AA");
        assert_eq!(names[&28], "個人AB");
    }
}
