//! Rounding (округление) of indicators, criteria and totals: to a number of decimals, half away
//! from zero, as operators do in their spreadsheets (2.675 → 2.68, 95.125 → 95.13).
//!
//! Binary floating point cannot hold most decimals exactly: 2.675 is stored as
//! 2.67499999999999982236431605997495353221893310546875, and a naive `(x * 100.0).round() / 100.0`
//! gives 2.67. Here a value that lies within a tiny relative tolerance ([`RELATIVE_TOLERANCE`]) of
//! the halfway point is treated as lying on it. Inputs of the method are small whole counts, so a
//! genuine value is never that close to a halfway point without being on it.

/// Relative distance from a halfway point within which a value counts as lying on it. Float noise
/// of the few operations behind a score is around 1e-15 relative; true values of the method are
/// ratios of counts and never come closer than about 1e-9 to a halfway point without being on it.
pub const RELATIVE_TOLERANCE: f64 = 1e-12;

/// Largest number of decimals handled: beyond this an `f64` has no digits left to round.
pub const MAX_DIGITS: u32 = 15;

/// Rounds `x` to `digits` decimals, half away from zero (округление по правилам арифметики:
/// 0,125 → 0,13; −0,125 → −0,13).
///
/// Non-finite values are returned unchanged, as are values already whole at this precision
/// (|x| × 10^digits ≥ 2^52) and any value when `digits` exceeds [`MAX_DIGITS`]. A result of zero is
/// always `+0.0`, never `-0.0`.
pub fn round_half_away(x: f64, digits: u32) -> f64 {
    match scaled_magnitude(x, digits) {
        Some((units, scale)) => {
            let magnitude = units / scale;
            if magnitude == 0.0 {
                0.0
            } else {
                magnitude.copysign(x)
            }
        }
        None => x,
    }
}

/// The value rounded as by [`round_half_away`], as a whole number of units of the last kept
/// decimal: `to_scaled(2.675, 2) == 268`. Use it to compare rounded values exactly (equal scores
/// share a place in a rating).
///
/// NaN gives 0; infinities and values beyond `i64` saturate to `i64::MIN` / `i64::MAX`.
pub fn to_scaled(x: f64, digits: u32) -> i64 {
    if x.is_nan() {
        return 0;
    }
    match scaled_magnitude(x, digits) {
        // `as` saturates at the ends of the i64 range.
        Some((units, _)) => (units.copysign(x)) as i64,
        None => {
            let scale = 10f64.powi(digits.min(MAX_DIGITS) as i32);
            (x * scale).round() as i64
        }
    }
}

/// Hundredths of `x` rounded half away from zero: `to_hundredths(95.125) == 9513`. The method's
/// scores are kept to two decimals, so this is the exact key for comparing them.
pub fn to_hundredths(x: f64) -> i64 {
    to_scaled(x, 2)
}

/// `(|x| × 10^digits rounded half away from zero, 10^digits)`, or `None` when `x` is to be left as it
/// is (non-finite, already whole at this precision, or too many digits asked for).
fn scaled_magnitude(x: f64, digits: u32) -> Option<(f64, f64)> {
    /// 2^52: from here on every `f64` is a whole number.
    const WHOLE: f64 = 4_503_599_627_370_496.0;
    if !x.is_finite() || digits > MAX_DIGITS {
        return None;
    }
    // Exact: every power of ten up to 10^22 is representable.
    let scale = 10f64.powi(digits as i32);
    let scaled = x.abs() * scale;
    if scaled >= WHOLE {
        return None;
    }
    let whole = scaled.floor();
    let tolerance = RELATIVE_TOLERANCE * scaled.max(1.0);
    let units = if scaled - whole + tolerance >= 0.5 {
        whole + 1.0
    } else {
        whole
    };
    Some((units, scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_go_away_from_zero() {
        assert_eq!(round_half_away(0.125, 2), 0.13);
        assert_eq!(round_half_away(95.125, 2), 95.13); // half-even would give 95.12
        assert_eq!(round_half_away(-0.125, 2), -0.13);
        assert_eq!(round_half_away(2.5, 0), 3.0);
        assert_eq!(round_half_away(-2.5, 0), -3.0);
        assert_eq!(round_half_away(0.5, 0), 1.0);
    }

    #[test]
    fn float_artefacts_do_not_pull_halves_down() {
        // Each of these is stored slightly below the decimal written here.
        assert_eq!(round_half_away(2.675, 2), 2.68);
        assert_eq!(round_half_away(1.005, 2), 1.01);
        assert_eq!(round_half_away(83.345, 2), 83.35);
        assert_eq!(round_half_away(-2.675, 2), -2.68);
        assert_eq!(round_half_away(1.0005, 3), 1.001);
        // The same after arithmetic: (80.09 + 86.6) / 2 is 83.344999… in f64.
        assert_eq!(round_half_away((80.09 + 86.6) / 2.0, 2), 83.35);
        // 0.3 × 90 + 0.3 × 90 + 0.4 × 95.9375 = 92.375 exactly on paper.
        assert_eq!(
            round_half_away(0.3 * 90.0 + 0.3 * 90.0 + 0.4 * 95.9375, 2),
            92.38
        );
    }

    #[test]
    fn values_off_the_halfway_point_round_to_nearest() {
        assert_eq!(round_half_away(2.674, 2), 2.67);
        assert_eq!(round_half_away(2.676, 2), 2.68);
        assert_eq!(round_half_away(1.004_999, 2), 1.0);
        assert_eq!(round_half_away(99.994_9, 2), 99.99);
        assert_eq!(round_half_away(99.995, 2), 100.0);
        assert_eq!(round_half_away(100.0, 2), 100.0);
        assert_eq!(round_half_away(81.5125, 2), 81.51);
        assert_eq!(round_half_away(1.0 / 3.0 * 100.0, 2), 33.33);
        assert_eq!(round_half_away(2.0 / 3.0 * 100.0, 2), 66.67);
    }

    #[test]
    fn digits_from_zero_to_six() {
        let x = 12.345_678_5;
        assert_eq!(round_half_away(x, 0), 12.0);
        assert_eq!(round_half_away(x, 1), 12.3);
        assert_eq!(round_half_away(x, 2), 12.35);
        assert_eq!(round_half_away(x, 3), 12.346);
        assert_eq!(round_half_away(x, 4), 12.3457);
        assert_eq!(round_half_away(x, 5), 12.34568);
        assert_eq!(round_half_away(x, 6), 12.345679);
    }

    #[test]
    fn zero_is_never_negative() {
        let r = round_half_away(-0.001, 2);
        assert_eq!(r, 0.0);
        assert!(r.is_sign_positive());
        assert!(round_half_away(-0.0, 2).is_sign_positive());
    }

    #[test]
    fn edge_values_pass_through() {
        assert!(round_half_away(f64::NAN, 2).is_nan());
        assert_eq!(round_half_away(f64::INFINITY, 2), f64::INFINITY);
        assert_eq!(round_half_away(f64::NEG_INFINITY, 2), f64::NEG_INFINITY);
        assert_eq!(round_half_away(1e300, 2), 1e300);
        assert_eq!(round_half_away(0.123_456, 20), 0.123_456);
    }

    #[test]
    fn scaled_integers_for_exact_comparison() {
        assert_eq!(to_hundredths(2.675), 268);
        assert_eq!(to_hundredths(95.125), 9513);
        assert_eq!(to_hundredths(-0.125), -13);
        assert_eq!(to_hundredths(0.0), 0);
        assert_eq!(to_hundredths(100.0), 10_000);
        assert_eq!(to_scaled(81.5125, 3), 81_513);
        assert_eq!(to_scaled(81.5125, 0), 82);
        assert_eq!(to_scaled(f64::NAN, 2), 0);
        assert_eq!(to_scaled(f64::INFINITY, 2), i64::MAX);
        assert_eq!(to_scaled(f64::NEG_INFINITY, 2), i64::MIN);
        // Agrees with round_half_away.
        for i in 0..10_000 {
            let x = f64::from(i) * 0.0173;
            assert_eq!(to_hundredths(x) as f64 / 100.0, round_half_away(x, 2));
        }
    }
}
