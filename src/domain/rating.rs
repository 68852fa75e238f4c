//! Ratings (рейтинг): organizations of a cycle ranked by score, highest first, equal scores sharing
//! a place («1, 2, 2, 4» — competition ranking). Ratings are built overall (by the total S), per
//! criterion, and within groups of organizations (e.g. стационарная / полустационарная / надомная
//! форма обслуживания).
//!
//! Scores are compared at the method's rounding precision, as whole numbers of hundredths (for two
//! digits): 85.124 and 85.12 share a place, 85.12 and 85.13 do not. There is no float fuzz.
//! Everything here is O(n log n) and runs on 100,000 values in milliseconds.

use std::cmp::Reverse;

use crate::domain::rounding::to_scaled;

/// Places (места) in a rating of `values`, highest first, equal values sharing a place:
/// `[90.0, 80.0, 95.0, 80.0]` → `[2, 3, 1, 3]` (the place after a tie is skipped: 1, 2, 2, 4).
///
/// Values are compared after rounding to `digits` decimals, half away from zero. NaN (which
/// scoring never produces) ranks last. The result is in the order of `values`.
pub fn places(values: &[f64], digits: u32) -> Vec<u32> {
    let keys = rating_keys(values, digits);
    let mut result = vec![0; values.len()];
    assign_places(&order_by_keys(&keys), &keys, &mut result);
    result
}

/// Places within groups (места внутри групп): each organization is ranked only against those of its
/// own group (`groups[i]` is the group of `values[i]`), with shared places as in [`places`].
///
/// # Panics
///
/// If `groups` and `values` differ in length (a programming error, not a data error).
pub fn places_by_group<G: Ord>(groups: &[G], values: &[f64], digits: u32) -> Vec<u32> {
    assert_eq!(
        groups.len(),
        values.len(),
        "places_by_group: one group per value"
    );
    let keys = rating_keys(values, digits);
    // By group, then best first; within a group and a score, input order is kept: the index is
    // the last part of the sort key, so an unstable sort of the keys themselves (no lookups
    // while sorting) gives the stable order.
    let mut sorted: Vec<(&G, Reverse<i64>, usize)> = groups
        .iter()
        .zip(&keys)
        .enumerate()
        .map(|(i, (g, &k))| (g, Reverse(k), i))
        .collect();
    sorted.sort_unstable();
    let order: Vec<usize> = sorted.iter().map(|&(_, _, i)| i).collect();
    let mut result = vec![0; values.len()];
    for group in order.chunk_by(|&a, &b| groups[a] == groups[b]) {
        assign_places(group, &keys, &mut result);
    }
    result
}

/// Indices of `values` from the best to the worst (порядок в рейтинге); equal values (at `digits`
/// decimals) keep their input order. Pair it with [`places`] to print a rating table.
pub fn order(values: &[f64], digits: u32) -> Vec<usize> {
    order_by_keys(&rating_keys(values, digits))
}

/// Summary of a column of scores for reports: count, minimum, mean and maximum (минимальное,
/// среднее и максимальное значение). The mean is not rounded; round it for display.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Number of values summarized.
    pub count: usize,
    /// Lowest value (минимальное значение).
    pub min: f64,
    /// Arithmetic mean (среднее значение), unrounded.
    pub mean: f64,
    /// Highest value (максимальное значение).
    pub max: f64,
}

/// Count, min, mean and max of `values`; `None` when there is nothing to summarize. Non-finite
/// values (which scoring never produces) are skipped.
pub fn stats(values: &[f64]) -> Option<Stats> {
    let mut count = 0usize;
    let mut min = f64::INFINITY;
    let mut max = f64::NEG_INFINITY;
    // Neumaier summation: the mean of 100,000 two-decimal scores stays exact enough to round.
    let (mut sum, mut compensation) = (0.0f64, 0.0f64);
    for &v in values.iter().filter(|v| v.is_finite()) {
        count += 1;
        min = min.min(v);
        max = max.max(v);
        let t = sum + v;
        compensation += if sum.abs() >= v.abs() {
            (sum - t) + v
        } else {
            (v - t) + sum
        };
        sum = t;
    }
    (count > 0).then(|| Stats {
        count,
        min,
        mean: (sum + compensation) / count as f64,
        max,
    })
}

/// The exact comparison key of each value: whole units of the last kept decimal; NaN lowest.
/// Where one value would stand among fixed others (the place an organization would take with
/// the inputs on screen, the rest of the cycle as stored): places as in [`places`], ties shared.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// The others' keys, best first.
    keys: Vec<i64>,
    digits: u32,
}

impl Standing {
    pub fn new(others: &[f64], digits: u32) -> Standing {
        let mut keys = rating_keys(others, digits);
        keys.sort_unstable_by(|a, b| b.cmp(a));
        Standing { keys, digits }
    }

    /// The place `value` would take, and of how many (the others and itself).
    pub fn place(&self, value: f64) -> (u32, u32) {
        let key = rating_keys(&[value], self.digits)[0];
        let better = self.keys.partition_point(|&k| k > key);
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        (n(better + 1), n(self.keys.len() + 1))
    }
}

fn rating_keys(values: &[f64], digits: u32) -> Vec<i64> {
    values
        .iter()
        .map(|&v| {
            if v.is_nan() {
                i64::MIN
            } else {
                to_scaled(v, digits)
            }
        })
        .collect()
}

/// Indices sorted by key, highest first; ties keep input order (the index is the last part of
/// the sort key, so an unstable sort of (key, index) pairs gives the stable order).
fn order_by_keys(keys: &[i64]) -> Vec<usize> {
    let mut sorted: Vec<(Reverse<i64>, usize)> =
        keys.iter().map(|&k| Reverse(k)).zip(0..).collect();
    sorted.sort_unstable();
    sorted.into_iter().map(|(_, i)| i).collect()
}

/// Writes competition places for `ranked` (indices best first) into `result`: a value equal to the
/// one before it shares its place; otherwise its place is its 1-based position.
fn assign_places(ranked: &[usize], keys: &[i64], result: &mut [u32]) {
    let mut place = 0u32;
    for (position, &i) in ranked.iter().enumerate() {
        let shares_place = position > 0 && keys[ranked[position - 1]] == keys[i];
        if !shares_place {
            place = u32::try_from(position + 1).unwrap_or(u32::MAX);
        }
        result[i] = place;
    }
}

#[cfg(test)]
mod standing_tests {
    use super::*;

    #[test]
    fn a_value_takes_the_place_after_the_better_ones_and_shares_a_tie() {
        let s = Standing::new(&[90.0, 80.0, 95.0, 80.0], 2);
        assert_eq!(s.place(99.0), (1, 5));
        assert_eq!(s.place(95.0), (1, 5), "a tie shares the place");
        assert_eq!(s.place(85.0), (3, 5));
        assert_eq!(s.place(80.004), (3, 5), "equal to the 80s at two decimals");
        assert_eq!(s.place(10.0), (5, 5));
        assert_eq!(Standing::new(&[], 2).place(50.0), (1, 1));
        // The same places as ranking everything together.
        let all = [90.0, 80.0, 95.0, 80.0, 85.0];
        assert_eq!(places(&all, 2)[4], s.place(85.0).0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_a_place_and_skip_the_next() {
        assert_eq!(places(&[95.0, 90.0, 90.0, 85.0], 2), vec![1, 2, 2, 4]);
        // Result follows the input order.
        assert_eq!(places(&[90.0, 85.0, 95.0, 90.0], 2), vec![2, 4, 1, 2]);
        assert_eq!(
            places(&[70.0, 80.0, 80.0, 80.0, 60.0], 2),
            vec![4, 1, 1, 1, 5]
        );
    }

    #[test]
    fn all_equal_single_and_empty() {
        assert_eq!(places(&[88.5, 88.5, 88.5], 2), vec![1, 1, 1]);
        assert_eq!(places(&[42.0], 2), vec![1]);
        assert_eq!(places(&[], 2), Vec::<u32>::new());
    }

    #[test]
    fn values_equal_after_rounding_share_a_place() {
        // 85.124 → 85.12, 85.1249 → 85.12, 85.12 → 85.12.
        assert_eq!(places(&[85.124, 85.12, 85.1249], 2), vec![1, 1, 1]);
        // 2.675 rounds to 2.68 despite its binary form, so it ties with 2.68.
        assert_eq!(places(&[2.68, 2.675], 2), vec![1, 1]);
        // With one digit, 85.12 and 85.14 both round to 85.1.
        assert_eq!(places(&[85.14, 85.12], 1), vec![1, 1]);
    }

    #[test]
    fn values_differing_at_the_second_decimal_do_not_tie() {
        assert_eq!(places(&[85.12, 85.13], 2), vec![2, 1]);
        assert_eq!(places(&[85.125, 85.124], 2), vec![1, 2]); // 85.13 against 85.12
        assert_eq!(places(&[99.99, 100.0], 2), vec![2, 1]);
    }

    #[test]
    fn nan_ranks_last() {
        assert_eq!(places(&[f64::NAN, 10.0, 0.0], 2), vec![3, 1, 2]);
    }

    #[test]
    fn order_is_best_first_and_stable() {
        assert_eq!(order(&[90.0, 95.0, 90.0, 99.0], 2), vec![3, 1, 0, 2]);
        assert_eq!(order(&[], 2), Vec::<usize>::new());
    }

    #[test]
    fn groups_are_ranked_separately() {
        let groups = [
            "надомная",
            "стационарная",
            "надомная",
            "стационарная",
            "надомная",
        ];
        let values = [90.0, 80.0, 95.0, 80.0, 90.0];
        // надомная: 95 → 1, 90 and 90 → 2; стационарная: 80 and 80 → 1.
        assert_eq!(places_by_group(&groups, &values, 2), vec![2, 1, 1, 1, 2]);
        assert_eq!(places_by_group::<&str>(&[], &[], 2), Vec::<u32>::new());
        // A single group gives the overall places.
        let one = [0u8; 4];
        let v = [95.0, 90.0, 90.0, 85.0];
        assert_eq!(places_by_group(&one, &v, 2), places(&v, 2));
    }

    #[test]
    #[should_panic(expected = "one group per value")]
    fn groups_must_match_values() {
        places_by_group(&["a"], &[1.0, 2.0], 2);
    }

    #[test]
    fn large_rating_is_consistent() {
        // 100,000 scores with many ties: every place equals 1 + the number of strictly better scores.
        let values: Vec<f64> = (0..100_000u32)
            .map(|i| f64::from((i * 7919) % 5_000) / 50.0)
            .collect();
        let p = places(&values, 2);
        let mut keys: Vec<i64> = values.iter().map(|&v| to_scaled(v, 2)).collect();
        keys.sort_unstable_by(|a, b| b.cmp(a));
        for (i, &v) in values.iter().enumerate() {
            let key = to_scaled(v, 2);
            let better = keys.partition_point(|&k| k > key);
            assert_eq!(p[i] as usize, better + 1);
        }
    }

    #[test]
    fn large_group_rating_is_consistent() {
        // 30,000 scores in 7 groups with many ties: every place equals 1 + the number of strictly
        // better scores in the same group, counted here group by group.
        let groups: Vec<u32> = (0..30_000u32).map(|i| (i * 31) % 7).collect();
        let values: Vec<f64> = (0..30_000u32)
            .map(|i| f64::from((i * 7919) % 3_000) / 30.0)
            .collect();
        let p = places_by_group(&groups, &values, 2);
        for g in 0..7 {
            let mut keys: Vec<i64> = (0..values.len())
                .filter(|&i| groups[i] == g)
                .map(|i| to_scaled(values[i], 2))
                .collect();
            keys.sort_unstable_by(|a, b| b.cmp(a));
            for i in (0..values.len()).filter(|&i| groups[i] == g) {
                let key = to_scaled(values[i], 2);
                let better = keys.partition_point(|&k| k > key);
                assert_eq!(p[i] as usize, better + 1, "member {i} of group {g}");
            }
        }
    }

    #[test]
    fn stats_of_scores() {
        let s = stats(&[80.0, 90.5, 100.0, 70.25]).unwrap();
        assert_eq!(s.count, 4);
        assert_eq!(s.min, 70.25);
        assert_eq!(s.max, 100.0);
        // (80 + 90.5 + 100 + 70.25) / 4 = 340.75 / 4 = 85.1875
        assert_eq!(s.mean, 85.1875);
        assert_eq!(stats(&[]), None);
        assert_eq!(stats(&[f64::NAN]), None);
        let one = stats(&[42.42]).unwrap();
        assert_eq!(
            (one.count, one.min, one.mean, one.max),
            (1, 42.42, 42.42, 42.42)
        );
    }

    #[test]
    fn stats_mean_of_many_two_decimal_scores_rounds_right() {
        // 100,000 copies of 87.345: the mean must still round to 87.35.
        let values = vec![87.345; 100_000];
        let s = stats(&values).unwrap();
        assert_eq!(crate::domain::rounding::round_half_away(s.mean, 2), 87.35);
    }
}

/// Lower bounds of the bins scores are counted in for a distribution chart: below 60, then
/// 5-point steps (60–64.99 … 95–100), where the assessed organizations actually spread.
pub const BIN_FLOORS: [f64; 9] = [0.0, 60.0, 65.0, 70.0, 75.0, 80.0, 85.0, 90.0, 95.0];
/// Labels of the bins, as the charts show them.
pub const BIN_LABELS: [&str; 9] = ["<60", "60", "65", "70", "75", "80", "85", "90", "95"];

/// How many scores fall in each bin of [`BIN_FLOORS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Histogram {
    pub counts: [u64; 9],
}

impl Histogram {
    /// Counts one score; non-finite values are skipped, values below 0 count in the first bin.
    pub fn add(&mut self, value: f64) {
        if !value.is_finite() {
            return;
        }
        let bin = BIN_FLOORS
            .iter()
            .rposition(|floor| value >= *floor)
            .unwrap_or(0);
        self.counts[bin] += 1;
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    pub fn max(&self) -> u64 {
        self.counts.iter().copied().max().unwrap_or(0)
    }
}

#[cfg(test)]
mod histogram_tests {
    use super::*;

    #[test]
    fn scores_fall_in_their_bins_at_the_edges() {
        let mut h = Histogram::default();
        for v in [0.0, 59.99, 60.0, 64.99, 65.0, 94.99, 95.0, 100.0, f64::NAN] {
            h.add(v);
        }
        assert_eq!(h.counts, [2, 2, 1, 0, 0, 0, 0, 1, 2]);
        assert_eq!(h.total(), 8);
        assert_eq!(h.max(), 2);
    }
}
